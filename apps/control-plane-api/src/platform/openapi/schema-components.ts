import { z } from 'zod';
import { $ZodRegistry, type $ZodType } from 'zod/v4/core';
import * as contracts from '@lcm/contracts';
import {
  ImportWorkerBody,
  LabDiscoverBody,
  MAX_TEXT_LENGTH,
  maxTextLength,
  PatchWorkerBody,
  CreateDefinitionBody,
  SemVer,
  StorableJsonObject,
  StorableKey,
  UpdateDefinitionBody,
  UpdateSettingsBody,
  UpdateWorkerTemplateBody,
} from '@lcm/contracts';

export type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';
interface Names {
  id?: string;
}

const COMPONENT_REF = '#/components/schemas/';
const DEFS_REF = '#/$defs/';
const VERBATIM_KEYS = new Set(['const', 'enum', 'default', 'examples']);
/** No NUL character: input parsing refuses it, the store cannot hold one (platform/http/contract-route.ts). */
const NO_NUL = '^[^\\u0000]*$';
const STORABLE_KEY_PATTERN = '^[^$.\\u0000][^.\\u0000]*$';
/** A key Fastify's body parser refuses at any depth (withoutProtoKeys). */
const NOT_PROTO = { not: { const: '__proto__' } };

const isText = (node: JsonSchema): boolean =>
  (node['type'] === 'string' || (Array.isArray(node['type']) && node['type'].includes('string'))) &&
  node['enum'] === undefined &&
  node['const'] === undefined;

/**
 * Formats JSON Schema has no keyword for but the contracts check by pattern. OpenAPI 3.1 lets a
 * document name its own formats; the pattern stays, so a client that does not know one still checks.
 */
const FORMATS = new Map<unknown, string>([[SemVer, 'semver']]);

/** A text input parsing takes anywhere in free JSON: no NUL, within the common text limit. */
const STORABLE_TEXT = { type: 'string', pattern: NO_NUL, maxLength: MAX_TEXT_LENGTH };

/**
 * Free JSON in a request, as input parsing takes it at any depth (contract-route.ts): texts as
 * `text` says, keys as `keys` says and never `__proto__`.
 */
const freeJsonValue = (
  name: string,
  keys: JsonSchema,
  arrays: 'nested' | 'flat',
  text: JsonSchema = STORABLE_TEXT,
): JsonSchema => {
  const ref = { $ref: `${COMPONENT_REF}${name}` };
  const scalar = { anyOf: [text, { type: ['number', 'boolean', 'null'] }] };
  const object = { type: 'object', propertyNames: { ...keys, ...NOT_PROTO }, additionalProperties: ref };
  const item = arrays === 'nested' ? ref : { anyOf: [scalar, object] };
  return { anyOf: [scalar, { type: 'array', items: item }, object] };
};

/**
 * Any JSON a controller hands over for storage (StorableJsonObject): keys the store can hold and no
 * array directly inside an array, at every depth; a component of its own because it refers to itself.
 */
export const STORABLE_JSON_VALUE = 'StorableJsonValue';
/**
 * Any JSON under a key a request object does not declare: input parsing still checks its texts
 * and keys, then the contract drops it.
 */
export const REQUEST_JSON_VALUE = 'RequestJsonValue';
/**
 * One entry of a discovery scan: any JSON the body parser takes (no `__proto__` key). The handler
 * checks each entry on its own and lists one it cannot take in the answer's errors, texts the
 * store cannot hold included, so such an entry is valid input (LabDiscoverBody).
 */
export const SCAN_ENTRY_JSON_VALUE = 'ScanEntryJsonValue';
export const FREE_JSON_COMPONENTS: Record<string, JsonSchema> = {
  [STORABLE_JSON_VALUE]: freeJsonValue(
    STORABLE_JSON_VALUE,
    { pattern: STORABLE_KEY_PATTERN, maxLength: 256 },
    'flat',
  ),
  [REQUEST_JSON_VALUE]: freeJsonValue(REQUEST_JSON_VALUE, { pattern: NO_NUL }, 'nested'),
  [SCAN_ENTRY_JSON_VALUE]: freeJsonValue(SCAN_ENTRY_JSON_VALUE, {}, 'nested', { type: 'string' }),
};

/** Shapes the contracts check by refinement, which zod cannot see into: a key the store can hold. */
const PATTERNS = new Map<unknown, string>([[StorableKey, STORABLE_KEY_PATTERN]]);

const requireOneOf = (names: string[]) => names.map((name) => ({ required: [name] }));

/**
 * The contracts' object-wide refinements that JSON Schema can state (zod cannot see into a
 * `.refine()`), so generated requests the server would refuse are not called valid.
 */
const REFINEMENTS = new Map<unknown, (schema: JsonSchema) => void>([
  // Multi-lab definitions are refused (422 UNSUPPORTED_FEATURE) until the feature exists.
  ...[CreateDefinitionBody.shape.multi_lab_enabled, UpdateDefinitionBody.shape.multi_lab_enabled].map(
    (flag) => [flag, (schema: JsonSchema) => (schema['enum'] = [false])] as const,
  ),
  // 'nothing to update': an update names at least one field.
  ...[UpdateSettingsBody, UpdateWorkerTemplateBody, UpdateDefinitionBody].map(
    (body) => [body, (schema: JsonSchema) => (schema['minProperties'] = 1)] as const,
  ),
  // A reason alone updates nothing.
  [
    PatchWorkerBody,
    (schema: JsonSchema) =>
      (schema['anyOf'] = requireOneOf(
        Object.keys((schema['properties'] ?? {}) as JsonSchema).filter((name) => name !== 'reason'),
      )),
  ],
  [
    StorableJsonObject,
    (schema: JsonSchema) =>
      (schema['additionalProperties'] = { $ref: `${COMPONENT_REF}${STORABLE_JSON_VALUE}` }),
  ],
  [
    LabDiscoverBody.shape.labs.element,
    (schema: JsonSchema) => (schema['$ref'] = `${COMPONENT_REF}${SCAN_ENTRY_JSON_VALUE}`),
  ],
  // 'give exactly one of aws_instance_id, ami_id, ami_name'.
  [
    ImportWorkerBody,
    (schema: JsonSchema) => (schema['oneOf'] = requireOneOf(['aws_instance_id', 'ami_id', 'ami_name'])),
  ],
]);

/** The spellings `z.stringbool()` accepts (zod's defaults), in any letter case as zod takes them. */
const STRINGBOOL = ['true', '1', 'yes', 'on', 'y', 'enabled', 'false', '0', 'no', 'off', 'n', 'disabled'];
const STRINGBOOL_PATTERN = `^(?:${STRINGBOOL.map((word) =>
  word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`),
).join('|')})$`;

const isStringbool = (schema: unknown): boolean => {
  const def = (schema as { _zod?: { def?: { type?: string; in?: $ZodType; out?: $ZodType } } })._zod?.def;
  return def?.type === 'pipe' && def.in?._zod.def.type === 'string' && def.out?._zod.def.type === 'boolean';
};

/**
 * Options of every conversion: unrepresentable types (custom checks) become `{}`, formats are
 * named, and a boolean written as text states the words it accepts (zod says only "a string").
 */
export const CONVERSION = {
  unrepresentable: 'any',
  override: ({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
    const format = FORMATS.get(zodSchema);
    if (format) jsonSchema['format'] = format;
    REFINEMENTS.get(zodSchema)?.(jsonSchema);
    const pattern = PATTERNS.get(zodSchema);
    if (pattern) jsonSchema['pattern'] = pattern;
    if (isStringbool(zodSchema) && jsonSchema['type'] === 'string') {
      jsonSchema['pattern'] = STRINGBOOL_PATTERN;
      jsonSchema['maxLength'] = Math.max(...STRINGBOOL.map((word) => word.length));
      jsonSchema['description'] = `${STRINGBOOL.join(', ')}; any letter case`;
    }
  },
} as const;

/**
 * Documents the text limits the server enforces on every request string (libs/contracts
 * input-limits): a string without its own maxLength gets its field's limit, and one without its
 * own pattern says it holds no NUL character.
 */
export function withTextLimits(schema: unknown, field?: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withTextLimits(item, field));
  if (!schema || typeof schema !== 'object') return schema;
  const node: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (key === 'properties' && value && typeof value === 'object')
      node[key] = Object.fromEntries(
        Object.entries(value as JsonSchema).map(([name, property]) => [name, withTextLimits(property, name)]),
      );
    else if (VERBATIM_KEYS.has(key)) node[key] = value;
    else node[key] = withTextLimits(value, field);
  }
  if (isText(node) && node['maxLength'] === undefined) node['maxLength'] = maxTextLength(field);
  if (isText(node) && node['pattern'] === undefined) node['pattern'] = NO_NUL;
  return node;
}

/**
 * Fastify refuses a JSON body with a `__proto__` key at any depth (prototype poisoning, 400), so
 * no object of a request may have one: stated on every object of a request schema.
 */
export function withoutProtoKeys(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutProtoKeys);
  if (!schema || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(
    Object.entries(schema as JsonSchema).map(([key, value]) => [
      key,
      VERBATIM_KEYS.has(key) ? value : withoutProtoKeys(value),
    ]),
  );
  if (node['type'] === 'object' && node['additionalProperties'] !== false)
    node['propertyNames'] = {
      pattern: NO_NUL,
      ...(node['propertyNames'] as JsonSchema | undefined),
      ...NOT_PROTO,
    };
  if (node['type'] === 'object' && node['additionalProperties'] === undefined)
    node['additionalProperties'] = { $ref: `${COMPONENT_REF}${REQUEST_JSON_VALUE}` };
  return node;
}

/** A request's schema: text limits, the keys the body parser refuses and what undeclared keys may hold. */
const requestSchema = (schema: unknown): JsonSchema => withoutProtoKeys(withTextLimits(schema)) as JsonSchema;

/**
 * True when the schema holds a text that is not inside one of its own properties: its length
 * limit is that of the field holding it (input-limits), so one shared component could not state it.
 */
function textLimitDependsOnHolder(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(textLimitDependsOnHolder);
  if (!schema || typeof schema !== 'object') return false;
  const node = schema as JsonSchema;
  if (isText(node)) return true;
  return Object.entries(node).some(
    ([key, value]) => key !== 'properties' && !VERBATIM_KEYS.has(key) && textLimitDependsOnHolder(value),
  );
}

/** Metadata zod emits: a component name where we gave one, plus what `.meta()` put in the global registry. */
class ComponentRegistry extends $ZodRegistry<Names> {
  override get(schema: $ZodType): Names | undefined {
    const global = z.globalRegistry.get(schema);
    const own = super.get(schema);
    return global || own ? { ...global, ...own } : undefined;
  }
}

function mapRefs(schema: unknown, rename: (ref: string) => string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => mapRefs(item, rename));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as JsonSchema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? rename(value) : mapRefs(value, rename),
    ]),
  );
}

function refsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => refsIn(item, found));
  else if (schema && typeof schema === 'object')
    for (const [key, value] of Object.entries(schema as JsonSchema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFS_REF))
        found.add(value.slice(DEFS_REF.length));
      else refsIn(value, found);
    }
  return found;
}

/**
 * Every zod schema the contracts library exports becomes a named, reusable component (its export
 * name is its component name), so the documents stop repeating the same models inline. Zod 4
 * extracts a schema into `$defs` when the metadata registry gives it an `id`; we pass our own
 * registry instead of tagging the contracts with `.meta({ id })`, so no shared global state is
 * touched and a new exported schema is named without anyone having to remember it.
 *
 * A request may be looser than the stored model (defaults make fields optional) and every request
 * text has a length limit, so a schema's input form is a component of its own, `<Name>Input`,
 * wherever it differs from the output form. Schemas that are only a text (ids, dates, semver) stay
 * inline: the limit of a text depends on the field holding it.
 */
export class SchemaComponents {
  private readonly registry = new ComponentRegistry();
  private readonly raw: Record<Io, Map<string, JsonSchema>> = { input: new Map(), output: new Map() };
  private readonly inputName = new Map<string, string>();

  constructor() {
    const named = new Set<unknown>();
    for (const [name, value] of Object.entries(contracts)) {
      if (!(value instanceof z.ZodType) || named.has(value)) continue;
      named.add(value);
      const inline = z.toJSONSchema(value, { ...CONVERSION, io: 'input' });
      if (!textLimitDependsOnHolder(inline)) this.registry.add(value, { id: name });
    }
    for (const [name, schema] of this.registry._idmap) {
      this.convert(schema as z.ZodType, 'input');
      this.convert(schema as z.ZodType, 'output');
      if (!this.raw.input.has(name) || !this.raw.output.has(name))
        throw new Error(`schema ${name} was not extracted as a component`);
    }
    // The input form may share the output's name only if it is equal and so is every component
    // it refers to; one that differs makes those referring to it differ too.
    const shared = new Set(
      [...this.raw.input.keys()].filter(
        (name) => JSON.stringify(this.raw.input.get(name)) === JSON.stringify(this.raw.output.get(name)),
      ),
    );
    for (let changed = true; changed;) {
      changed = false;
      for (const name of shared)
        if ([...refsIn(this.raw.input.get(name))].some((ref) => !shared.has(ref))) {
          shared.delete(name);
          changed = true;
        }
    }
    for (const name of this.raw.input.keys())
      this.inputName.set(name, shared.has(name) ? name : `${name}Input`);
  }

  /**
   * The JSON schema of a route's body or response, referring to components by `$ref`; the names
   * it uses are added to `used`, with those they refer to in turn.
   */
  schema(schema: z.ZodType, io: Io, used: Set<string>): JsonSchema {
    const root = this.convert(schema, io);
    for (const ref of refsIn(root)) this.use(ref, io, used);
    return this.rename(root, io);
  }

  /** The components named in `used` (as `schema` filled it), ready for `components.schemas`. */
  components(used: Set<string>): Record<string, JsonSchema> {
    return Object.fromEntries(
      [...used].sort().map((key) => {
        const [io, name] = key.split(':') as [Io, string];
        const component = this.rename(this.raw[io].get(name) as JsonSchema, io);
        return [io === 'input' ? this.inputName.get(name) : name, component];
      }),
    );
  }

  private use(name: string, io: Io, used: Set<string>): void {
    const effective: Io = io === 'input' && this.inputName.get(name) === name ? 'output' : io;
    const key = `${effective}:${name}`;
    if (used.has(key)) return;
    used.add(key);
    for (const ref of refsIn(this.raw[effective].get(name))) this.use(ref, effective, used);
  }

  private rename(schema: JsonSchema, io: Io): JsonSchema {
    return mapRefs(schema, (ref) => {
      if (!ref.startsWith(DEFS_REF)) return ref;
      const name = ref.slice(DEFS_REF.length);
      return COMPONENT_REF + (io === 'input' ? this.inputName.get(name) : name);
    }) as JsonSchema;
  }

  /** Converts with zod, keeps the extracted `$defs` by name and returns the root with `#/$defs/` refs. */
  private convert(schema: z.ZodType, io: Io): JsonSchema {
    const {
      $schema: _dialect,
      $defs,
      ...root
    } = z.toJSONSchema(schema, { ...CONVERSION, io, metadata: this.registry }) as JsonSchema;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      // zod names a recursive schema without an id `__schemaN`, per conversion: not a stable name.
      if (!this.registry._idmap.has(name)) throw new Error(`unnamed shared schema ${name}; export it`);
      if (!this.raw[io].has(name))
        this.raw[io].set(name, io === 'input' ? requestSchema(definition) : definition);
    }
    return io === 'input' ? requestSchema(root) : root;
  }
}
