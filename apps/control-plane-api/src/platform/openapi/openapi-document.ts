import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, type Route, pathParamNames } from '@lcm/contracts';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});

function parameters(route: Route): JsonSchema[] {
  const pathParams = pathParamNames(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (!route.query) return pathParams;
  const query = toSchema(route.query, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  const queryParams = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: (query.required ?? []).includes(name),
    schema,
  }));
  return [...pathParams, ...queryParams];
}

function operation(route: Route): JsonSchema {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = schema
      ? { description: 'Success', content: { 'application/json': { schema: toSchema(schema, 'output') } } }
      : { description: 'Success, no body' };
  }
  responses['400'] = problemResponse('Invalid request: the problem names every bad field');
  responses['401'] = problemResponse('Missing or invalid credentials');
  if (route.auth === 'public') responses['403'] = problemResponse('Role not allowed');
  responses['404'] = problemResponse('Not found');
  responses['409'] = problemResponse('Invalid transition or version conflict');
  responses['422'] = problemResponse('Capacity, constraint or unsupported feature');
  return {
    summary: route.summary,
    tags: [route.auth === 'internal' ? 'internal' : (route.path.split('/')[3] ?? 'public')],
    security: route.auth === 'internal' ? [{ apiKey: [] }] : [{ bearer: [] }],
    ...(route.auth === 'public' ? { 'x-roles': route.roles } : {}),
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** OpenAPI 3.1 document generated from the zod contracts, so it cannot drift from what the server validates. */
export function buildOpenApiDocument(routes: readonly Route[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Lablet Cloud Manager control-plane API', version },
    paths,
    components: {
      schemas: { ProblemDetails: toSchema(ProblemDetails, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
