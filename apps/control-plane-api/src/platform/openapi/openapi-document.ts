import { z } from 'zod';
import { maxTextLength, PROBLEM_CONTENT_TYPE, ProblemDetails, type Route } from '@lcm/contracts';

type JsonSchema = Record<string, unknown>;

/** Routes by resource, as `apiContract.public` and `apiContract.internal` hold them. */
export type RouteGroups = Readonly<Record<string, Readonly<Record<string, Route>>>>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/**
 * Documents the text limits the server enforces on every request string (libs/contracts
 * input-limits): a string without its own maxLength gets its field's limit.
 */
function withTextLimits(schema: unknown, field?: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withTextLimits(item, field));
  if (!schema || typeof schema !== 'object') return schema;
  const node: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (key === 'properties' && value && typeof value === 'object')
      node[key] = Object.fromEntries(
        Object.entries(value as JsonSchema).map(([name, property]) => [name, withTextLimits(property, name)]),
      );
    else if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples') node[key] = value;
    else node[key] = withTextLimits(value, field);
  }
  const isText =
    node['type'] === 'string' || (Array.isArray(node['type']) && node['type'].includes('string'));
  if (isText && node['maxLength'] === undefined && node['enum'] === undefined && node['const'] === undefined)
    node['maxLength'] = maxTextLength(field);
  return node;
}

const inputSchema = (schema: z.ZodType, field?: string): JsonSchema =>
  withTextLimits(toSchema(schema, 'input'), field) as JsonSchema;

const problemResponse = (description: string, headers?: JsonSchema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

function parameters(route: Route): JsonSchema[] {
  const objectParameters = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
    if (!schema) return [];
    const object = inputSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      schema: property,
    }));
  };
  return [...objectParameters(route.params, 'path'), ...objectParameters(route.query, 'query')];
}

function operation(route: Route, operationId: string): JsonSchema {
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
  responses['414'] = problemResponse('Request target too long');
  if (route.path.startsWith('/api/v1/'))
    responses['429'] = problemResponse('Too many requests from this client', RETRY_AFTER);
  responses['503'] = problemResponse(
    'A dependency (the data store) is unavailable; retry later',
    RETRY_AFTER,
  );
  return {
    operationId,
    summary: route.summary,
    tags: [route.auth === 'internal' ? 'internal' : (route.path.split('/')[3] ?? 'public')],
    security: route.auth === 'internal' ? [{ apiKey: [] }] : [{ bearer: [] }],
    ...(route.auth === 'public' ? { 'x-roles': route.roles } : {}),
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: inputSchema(route.body) } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * OpenAPI 3.1 document of one audience's routes, generated from the zod contracts so it cannot
 * drift from what the server validates. Operation ids are the contract's route names (qualified
 * by resource where two resources use one name).
 */
export function buildOpenApiDocument(groups: RouteGroups, title: string, version: string): JsonSchema {
  const named = Object.entries(groups).flatMap(([group, routes]) =>
    Object.entries(routes).map(([name, route]) => ({ group, name, route })),
  );
  const counts = new Map<string, number>();
  for (const { name } of named) counts.set(name, (counts.get(name) ?? 0) + 1);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { group, name, route } of named) {
    const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    const operationId = counts.get(name) === 1 ? name : `${group}_${name}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, operationId) };
  }
  return {
    openapi: '3.1.0',
    info: { title, version },
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
