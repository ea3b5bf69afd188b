import { apiContract, CURSOR_PATTERN } from '@lcm/contracts';
import { buildOpenApiDocument, type RouteGroups } from './openapi-document';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
}

const build = (groups: RouteGroups) => buildOpenApiDocument(groups, 'test', 'test') as unknown as Document;
const operations = (document: Document) =>
  Object.values(document.paths).flatMap((methods) => Object.values(methods));
const count = (groups: RouteGroups) =>
  Object.values(groups).flatMap((routes) => Object.values(routes)).length;

/** Every string schema inside a JSON schema, with the path it was found at. */
function strings(schema: unknown, path: string): { path: string; schema: Record<string, unknown> }[] {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => strings(item, `${path}[${index}]`));
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own = node['type'] === 'string' ? [{ path, schema: node }] : [];
  return [
    ...own,
    ...Object.entries(node)
      .filter(([key]) => !['enum', 'const', 'default', 'examples'].includes(key))
      .flatMap(([key, value]) => strings(value, `${path}.${key}`)),
  ];
}

describe('buildOpenApiDocument', () => {
  const publicDocument = build(apiContract.public);
  const internalDocument = build(apiContract.internal);

  it('describes each audience in a document of its own, every route exactly once', () => {
    expect(publicDocument.openapi).toBe('3.1.0');
    expect(operations(publicDocument)).toHaveLength(count(apiContract.public));
    expect(operations(internalDocument)).toHaveLength(count(apiContract.internal));
    expect(Object.keys(publicDocument.paths).some((path) => path.startsWith('/api/internal/'))).toBe(false);
    expect(Object.keys(internalDocument.paths).every((path) => path.startsWith('/api/internal/'))).toBe(true);
  });

  it('gives every operation a unique operationId named after its contract route', () => {
    for (const document of [publicDocument, internalDocument]) {
      const ids = operations(document).map((operation) => operation.operationId);
      expect(ids.every((id) => /^[A-Za-z][A-Za-z0-9_]*$/.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(publicDocument.paths['/api/v1/sessions']?.['post']?.operationId).toBe('createSession');
  });

  it('types path parameters by their real format and documents 503 and 429 with Retry-After', () => {
    const schedule = internalDocument.paths['/api/internal/sessions/{lablet_session_id}/schedule']?.['post'];
    expect(schedule?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'lablet_session_id',
          in: 'path',
          schema: expect.objectContaining({ format: 'uuid' }),
        }),
      ]),
    );
    const response = (document: Document, operation: Operation | undefined, status: string) => {
      const ref = (operation?.responses[status] as { $ref?: string } | undefined)?.$ref;
      return ref
        ? (document.components.responses[ref.split('/').at(-1) as string] as { headers?: unknown })
        : undefined;
    };
    expect(response(internalDocument, schedule, '503')?.headers).toHaveProperty('Retry-After');
    expect(schedule?.responses['429']).toBeUndefined();
    const list = publicDocument.paths['/api/v1/sessions']?.['get'];
    expect(response(publicDocument, list, '429')?.headers).toHaveProperty('Retry-After');
    expect(response(publicDocument, list, '503')?.headers).toHaveProperty('Retry-After');
  });

  it('refers to named, reusable components instead of repeating the models inline', () => {
    const refs = (value: unknown): string[] =>
      [...JSON.stringify(value).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string);
    for (const document of [publicDocument, internalDocument]) {
      const names = Object.keys(document.components.schemas);
      // Every reference resolves inside the document, and every component is used.
      for (const ref of refs(document)) {
        const [, kind, name] = /^#\/components\/(schemas|responses)\/(.+)$/.exec(ref) ?? [];
        expect(name && document.components[kind as 'schemas' | 'responses'][name]).toBeTruthy();
      }
      const used = new Set(refs(document).map((ref) => ref.split('/').at(-1)));
      expect(names.filter((name) => !used.has(name))).toEqual([]);
      // No model is spelled out twice: an inline object with the properties of a component is a miss.
      expect(JSON.stringify(document.paths)).not.toContain('"status_history"');
    }
    const session = publicDocument.paths['/api/v1/sessions/{lablet_session_id}']?.['get'];
    expect(JSON.stringify(session?.responses['200'])).toContain('#/components/schemas/LabletSession"');
    // A request's form differs from the stored model (defaults, text limits): a component of its own.
    const create = publicDocument.paths['/api/v1/sessions']?.['post'];
    expect(create?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateSessionBodyInput',
    });
    expect(session?.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    // Far smaller than the 742 KB / 529 KB of the inlined documents.
    expect(JSON.stringify(publicDocument).length).toBeLessThan(300_000);
    expect(JSON.stringify(internalDocument).length).toBeLessThan(250_000);
  });

  it('keeps every URL parameter within what one URL can carry: a uuid is 36 characters, other texts 512', () => {
    for (const document of [publicDocument, internalDocument])
      for (const operation of operations(document))
        for (const parameter of operation.parameters)
          for (const { schema } of strings(parameter.schema, parameter.name).filter(
            ({ schema }) => schema['enum'] === undefined && schema['const'] === undefined,
          ))
            expect(schema['maxLength']).toBeLessThanOrEqual(schema['format'] === 'uuid' ? 36 : 512);
  });

  it('states the words a boolean query flag accepts in any letter case, as the server takes them (FALSE was ST201)', () => {
    const route = apiContract.internal.workers.listWorkerSessions;
    const flag = internalDocument.paths['/api/internal/workers/{worker_id}/sessions']?.[
      'get'
    ]?.parameters.find((parameter) => parameter.name === 'include_history');
    const words = (flag?.schema['anyOf'] as { pattern?: string }[]).find((branch) => branch.pattern);
    const documented = new RegExp(words?.pattern as string);
    const accepted = (value: string) => route.query.safeParse({ include_history: value }).success;
    for (const value of ['true', 'FALSE', 'Yes', 'oFF', '1', 'Disabled'])
      expect([value, documented.test(value), accepted(value)]).toEqual([value, true, true]);
    for (const value of ['maybe', 'truee', '2', ' true'])
      expect([value, documented.test(value), accepted(value)]).toEqual([value, false, false]);
  });

  it('states the object-wide rules JSON Schema can express, and the shape of a paging cursor', () => {
    const schemas = publicDocument.components.schemas as Record<string, Record<string, unknown>>;
    expect(schemas['UpdateSettingsBodyInput']?.['minProperties']).toBe(1);
    expect(schemas['ImportWorkerBodyInput']?.['oneOf']).toEqual([
      { required: ['aws_instance_id'] },
      { required: ['ami_id'] },
      { required: ['ami_name'] },
    ]);
    // Multi-lab definitions are refused until the feature exists.
    expect(schemas['CreateDefinitionBodyInput']).toMatchObject({
      properties: { multi_lab_enabled: { enum: [false] } },
    });
    // Free-form JSON for storage: keys the store can hold, at every depth.
    const internalSchemas = internalDocument.components.schemas as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(internalSchemas['StorableJsonValue'])).toContain('"propertyNames"');
    const upload =
      internalDocument.paths['/api/internal/sessions/{lablet_session_id}/grading-session']?.['post'];
    expect(upload?.responses['413']).toEqual({ $ref: '#/components/responses/ContentTooLarge' });
    const cursor = publicDocument.paths['/api/v1/sessions']?.['get']?.parameters.find(
      (parameter) => parameter.name === 'cursor',
    );
    expect(cursor?.schema['pattern']).toBe(CURSOR_PATTERN);
  });

  it('says what free JSON in a request may hold: NUL-free texts and keys everywhere, no array in an array for storage', () => {
    const internalSchemas = internalDocument.components.schemas as Record<string, Record<string, unknown>>;
    const noNul = JSON.stringify({ pattern: '^[^\\u0000]*$' }).slice(1, -1);
    expect(JSON.stringify(internalSchemas['StorableJsonValue'])).toContain(noNul);
    // The items of an array are texts, numbers, flags, null or objects, never arrays (FerretDB: was a 500).
    const [, array] = internalSchemas['StorableJsonValue']?.['anyOf'] as Record<string, unknown>[];
    expect(JSON.stringify(array?.['items'])).not.toContain('"array"');
    expect(array?.['items']).not.toHaveProperty('$ref');
    // Keys a request object does not declare are dropped, but input parsing checks their texts first.
    const schemas = publicDocument.components.schemas as Record<string, Record<string, unknown>>;
    expect(schemas['AmiRequirementInput']?.['additionalProperties']).toEqual({
      $ref: '#/components/schemas/RequestJsonValue',
    });
    expect(JSON.stringify(schemas['RequestJsonValue'])).toContain(noNul);
    // A discovery scan entry is checked by the handler, which lists one it cannot take in the answer,
    // so any JSON the body parser takes (no __proto__ key) is valid input there, NUL texts included.
    const scanEntry = internalSchemas['ScanEntryJsonValue'];
    expect(JSON.stringify(scanEntry)).not.toContain(noNul);
    expect(JSON.stringify(scanEntry)).toContain('"not":{"const":"__proto__"}');
    const discover = internalDocument.paths['/api/internal/lab-records/discover']?.['post'] as unknown as {
      requestBody: { content: Record<string, { schema: Record<string, unknown> }> };
    };
    const body = discover.requestBody.content['application/json']?.schema;
    const bodySchema = (body?.['$ref'] ? internalSchemas[String(body['$ref']).split('/').pop()!] : body) as {
      properties: { labs: { items: Record<string, unknown> } };
    };
    expect(bodySchema.properties.labs.items['$ref']).toBe('#/components/schemas/ScanEntryJsonValue');
    // Worker template capacity is positive in the contract, as the domain requires (a zero was ST202).
    expect(schemas['TemplateCapacity']).toMatchObject({
      properties: { cpu_cores: { exclusiveMinimum: 0 }, memory_gb: { exclusiveMinimum: 0 } },
    });
  });

  it('lists the rules of a body JSON Schema cannot state on its operation, for clients and fuzz:api', () => {
    const rules = (document: Document, path: string, method: string) =>
      (document.paths[path]?.[method] as unknown as Record<string, unknown>)['x-validation-rules'];
    expect(rules(publicDocument, '/api/v1/sessions', 'post')).toContain(
      'timeslot_end is after timeslot_start',
    );
    expect(rules(publicDocument, '/api/v1/settings', 'put')).toEqual([
      expect.stringContaining('min_workers does not exceed scaling.max_workers'),
    ]);
    expect(rules(publicDocument, '/api/v1/lab-records/import', 'post')).toEqual([
      expect.stringContaining('yaml is a CML lab topology'),
    ]);
    expect(rules(internalDocument, '/api/internal/sessions/schedule-batch', 'post')).toEqual([
      'a session_id appears in at most one placement',
    ]);
    expect(rules(internalDocument, '/api/internal/lab-records/{lab_record_id}/runs', 'post')).toEqual([
      'stopped_at is not before started_at',
    ]);
    expect(rules(internalDocument, '/api/internal/lab-records/{lab_record_id}/ports', 'put')).toEqual([
      'allocated_ports names at least one port',
      'no port number is given to two names',
    ]);
    expect(rules(publicDocument, '/api/v1/sessions', 'get')).toBeUndefined();
  });

  it('names the semver format of a definition version in its path', () => {
    const version =
      publicDocument.paths[
        '/api/v1/lablet-definitions/{lablet_definition_id}/versions/{definition_version}'
      ]?.['get'];
    expect(version?.parameters.find((parameter) => parameter.name === 'definition_version')?.schema).toEqual(
      expect.objectContaining({ format: 'semver', pattern: expect.any(String) }),
    );
  });

  it('bounds the length of every text a request may carry', () => {
    const unbounded = [publicDocument, internalDocument].flatMap((document) =>
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).flatMap(([method, operation]) =>
          [
            ...operation.parameters.flatMap((parameter) =>
              strings(parameter.schema, `${method} ${path} ${parameter.name}`),
            ),
            ...strings(operation.requestBody?.content['application/json']?.schema, `${method} ${path} body`),
            ...Object.entries(document.components.schemas)
              .filter(([name]) => name.endsWith('Input'))
              .flatMap(([name, schema]) => strings(schema, `component ${name}`)),
          ].filter(
            ({ schema }) =>
              schema['maxLength'] === undefined &&
              schema['enum'] === undefined &&
              schema['const'] === undefined,
          ),
        ),
      ),
    );
    expect(unbounded.map(({ path }) => path)).toEqual([]);
  });
});
