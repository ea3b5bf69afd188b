import { z } from 'zod';
import {
  ClaimLabPortsBody,
  CreateDefinitionBody,
  CreateScoreReportBody,
  CreateSessionBody,
  CreateWorkerBody,
  CreateWorkerTemplateBody,
  ExtendTimeslotBody,
  ImportLabBody,
  InternalScaleUpBody,
  PROBLEM_CONTENT_TYPE,
  ProblemDetails,
  RecordLabRunBody,
  RegisterLabImportBody,
  type Route,
  ScaleUpBody,
  ScheduleBatchBody,
  UpdateSettingsBody,
  UpdateWorkerTemplateBody,
} from '@lcm/contracts';
import { MAX_URL_TEXT_LENGTH } from '../http/contract-route';
import {
  CONVERSION,
  FREE_JSON_COMPONENTS,
  type JsonSchema,
  SchemaComponents,
  withTextLimits,
} from './schema-components';

/** Routes by resource, as `apiContract.public` and `apiContract.internal` hold them. */
export type RouteGroups = Readonly<Record<string, Readonly<Record<string, Route>>>>;

/** Built once: naming the components converts every exported contract schema. */
let sharedComponents: SchemaComponents | undefined;
const schemaComponents = (): SchemaComponents => (sharedComponents ??= new SchemaComponents());

const problemResponse = (description: string, headers?: JsonSchema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/** The error answers every operation shares, as reusable `components.responses`. */
const PROBLEM_RESPONSES = {
  BadRequest: problemResponse('Invalid request: the problem names every bad field'),
  Unauthorized: problemResponse('Missing or invalid credentials'),
  Forbidden: problemResponse('Role not allowed'),
  NotFound: problemResponse('Not found'),
  Conflict: problemResponse('Invalid transition or version conflict'),
  UnprocessableContent: problemResponse('Capacity, constraint or unsupported feature'),
  UriTooLong: problemResponse('Request target too long'),
  ContentTooLarge: problemResponse('Request body larger than the server accepts (BODY_LIMIT_BYTES)'),
  TooManyRequests: problemResponse('Too many requests from this client', RETRY_AFTER),
  ServiceUnavailable: problemResponse(
    'A dependency (the data store) is unavailable; retry later',
    RETRY_AFTER,
  ),
} as const;

const responseRef = (name: keyof typeof PROBLEM_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

const CML_LAB_YAML = 'a CML lab topology: YAML whose document is a mapping (lab, nodes, links, annotations)';
const PORT_RANGE_ORDER = 'port_range.end is not below port_range.start';
const ENABLED_TEMPLATE = 'the worker template is enabled';

/**
 * Rules of a request body that JSON Schema cannot state: they compare fields with each other, with
 * the stored state or with the clock, or look inside a text (spec §3, §5.1: 400 naming the field).
 * An operation lists them in `x-validation-rules` and its description; scripts/fuzz-api.sh reads
 * them, so a schema-valid request that breaks one may be refused with 400 there and nowhere else.
 */
const VALIDATION_RULES = new Map<unknown, readonly string[]>([
  [
    CreateSessionBody,
    [
      'timeslot_end is after timeslot_start',
      'timeslot_start does not lie in the past',
      "the timeslot is no longer than the definition's max_duration_minutes",
      'the definition is active',
    ],
  ],
  [
    ExtendTimeslotBody,
    ["timeslot_end is later than the session's and within the definition's max_duration_minutes"],
  ],
  [ScheduleBatchBody, ['a session_id appears in at most one placement']],
  [RecordLabRunBody, ['stopped_at is not before started_at']],
  [
    UpdateSettingsBody,
    ['scaling.min_workers does not exceed scaling.max_workers (the stored value stands for one not given)'],
  ],
  [CreateWorkerTemplateBody, [PORT_RANGE_ORDER]],
  [UpdateWorkerTemplateBody, [PORT_RANGE_ORDER]],
  [CreateScoreReportBody, ['score does not exceed max_score']],
  [CreateDefinitionBody, ['topology_yaml is valid YAML']],
  [CreateWorkerBody, [ENABLED_TEMPLATE]],
  [ScaleUpBody, [ENABLED_TEMPLATE]],
  [InternalScaleUpBody, [ENABLED_TEMPLATE]],
  [ImportLabBody, [`yaml is ${CML_LAB_YAML}`]],
  [RegisterLabImportBody, [`topology_yaml is ${CML_LAB_YAML}`]],
  [ClaimLabPortsBody, ['allocated_ports names at least one port', 'no port number is given to two names']],
]);

/** A uuid has 36 characters; other texts in a URL have the limit input parsing enforces there. */
function withUrlTextLimit(schema: JsonSchema): JsonSchema {
  if (schema['format'] === 'uuid') return { ...schema, maxLength: 36 };
  const limit = schema['maxLength'];
  return typeof limit === 'number' && limit > MAX_URL_TEXT_LENGTH
    ? { ...schema, maxLength: MAX_URL_TEXT_LENGTH }
    : schema;
}

/** Path and query parameters, each with its own (inline) schema and its text limit. */
function parameters(route: Route): JsonSchema[] {
  const objectParameters = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
    if (!schema) return [];
    const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { ...CONVERSION, io: 'input' });
    const object = withTextLimits(json) as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      schema: withUrlTextLimit(property),
    }));
  };
  return [...objectParameters(route.params, 'path'), ...objectParameters(route.query, 'query')];
}

function operation(route: Route, operationId: string, used: Set<string>): JsonSchema {
  const components = schemaComponents();
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = schema
      ? {
          description: 'Success',
          content: { 'application/json': { schema: components.schema(schema, 'output', used) } },
        }
      : { description: 'Success, no body' };
  }
  responses['400'] = responseRef('BadRequest');
  responses['401'] = responseRef('Unauthorized');
  if (route.auth === 'public') responses['403'] = responseRef('Forbidden');
  responses['404'] = responseRef('NotFound');
  responses['409'] = responseRef('Conflict');
  responses['422'] = responseRef('UnprocessableContent');
  responses['414'] = responseRef('UriTooLong');
  if (route.body) responses['413'] = responseRef('ContentTooLarge');
  // The rate limit guards the public API only (platform/observability/rate-limit.ts).
  if (route.path.startsWith('/api/v1/')) responses['429'] = responseRef('TooManyRequests');
  responses['503'] = responseRef('ServiceUnavailable');
  const rules = route.body && VALIDATION_RULES.get(route.body);
  return {
    operationId,
    summary: route.summary,
    ...(rules
      ? {
          description: `Also refused with 400 naming the field unless: ${rules.join('; ')}.`,
          'x-validation-rules': rules,
        }
      : {}),
    tags: [route.auth === 'internal' ? 'internal' : (route.path.split('/')[3] ?? 'public')],
    security: route.auth === 'internal' ? [{ apiKey: [] }] : [{ bearer: [] }],
    ...(route.auth === 'public' ? { 'x-roles': route.roles } : {}),
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: components.schema(route.body, 'input', used) } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * OpenAPI 3.1 document of one audience's routes, generated from the zod contracts so it cannot
 * drift from what the server validates. Models are named components (schema-components.ts), and
 * a document holds only those its operations use. Operation ids are the contract's route names
 * (qualified by resource where two resources use one name).
 */
export function buildOpenApiDocument(groups: RouteGroups, title: string, version: string): JsonSchema {
  const named = Object.entries(groups).flatMap(([group, routes]) =>
    Object.entries(routes).map(([name, route]) => ({ group, name, route })),
  );
  const counts = new Map<string, number>();
  for (const { name } of named) counts.set(name, (counts.get(name) ?? 0) + 1);
  const used = new Set<string>();
  schemaComponents().schema(ProblemDetails, 'output', used);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { group, name, route } of named) {
    const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    const operationId = counts.get(name) === 1 ? name : `${group}_${name}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, operationId, used) };
  }
  const schemas = schemaComponents().components(used);
  for (const [name, schema] of Object.entries(FREE_JSON_COMPONENTS))
    if (JSON.stringify([paths, schemas]).includes(`/${name}"`)) schemas[name] = schema;
  return {
    openapi: '3.1.0',
    info: { title, version },
    paths,
    components: {
      schemas,
      responses: PROBLEM_RESPONSES,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
