import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }>>;
  components?: Record<string, Json>;
}

export interface ResponseCheck {
  method: string;
  /** Either the OpenAPI path template (`/labs/{lab_id}`) or a concrete path (`/labs/0b1c...`). */
  path: string;
  status: number;
  body: unknown;
  contentType?: string;
}

export interface ValidationResult {
  valid: boolean;
  /** The template and response key that were used (`404` or `default`). */
  operation: string;
  errors: string[];
}

/**
 * OpenAPI 3.0 marks nullability with `nullable: true`, which JSON Schema does not know. Rewriting it
 * to a `null` type (or dropping it where no type is given, meaning "anything") lets one draft-07
 * validator check 3.0 documents exactly.
 */
function rewriteNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewriteNullable(value);
  if (out['nullable'] === true) {
    delete out['nullable'];
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...out['enum'], null];
    if (out['$ref'] !== undefined) return { anyOf: [{ $ref: out['$ref'] }, { type: 'null' }] };
  } else if (out['nullable'] === false) {
    delete out['nullable'];
  }
  return out;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Validates response bodies against the schema the OpenAPI document declares for that operation and status. */
export class OpenApiResponseValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; regex: RegExp }>;
  private readonly docId: string;

  constructor(private readonly doc: OpenApiDoc, name = 'openapi') {
    const is31 = doc.openapi.startsWith('3.1');
    // strict=false: OpenAPI adds keywords (discriminator, example, xml, ge/le) that JSON Schema lacks.
    const options = { strict: false, allErrors: true, validateFormats: true } as const;
    this.ajv = is31 ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    this.docId = `urn:lcm-sim:${name}`;
    const schemaDoc = (is31 ? doc : rewriteNullable(doc as unknown as Json)) as { paths: Json; components?: Json };
    this.ajv.addSchema({ $id: this.docId, paths: schemaDoc.paths, components: schemaDoc.components ?? {} } as never);
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }))
      // Literal segments win over parameters (`/labs/{id}/state` vs `/labs/{id}/{x}`): fewer params first.
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  static fromFile(file: string, name?: string): OpenApiResponseValidator {
    return new OpenApiResponseValidator(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDoc, name);
  }

  resolveTemplate(path: string): string | undefined {
    const bare = path.split('?')[0] ?? path;
    if (this.doc.paths[bare]) return bare;
    return this.templates.find((t) => t.regex.test(bare))?.template;
  }

  validate(check: ResponseCheck): ValidationResult {
    const method = check.method.toLowerCase();
    const template = this.resolveTemplate(check.path);
    const fail = (operation: string, error: string): ValidationResult => ({ valid: false, operation, errors: [error] });
    if (!template) return fail(`${method} ${check.path}`, `path ${check.path} is not in the OpenAPI document`);
    const responses = this.doc.paths[template]?.[method]?.responses;
    if (!responses) return fail(`${method} ${template}`, `operation ${method.toUpperCase()} ${template} is not in the OpenAPI document`);
    const key = responses[String(check.status)] ? String(check.status) : responses['default'] ? 'default' : undefined;
    const operation = `${method.toUpperCase()} ${template} -> ${key ?? check.status}`;
    if (!key) return fail(operation, `status ${check.status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
    const content = responses[key]?.content;
    if (!content || Object.keys(content).length === 0) {
      const empty = check.body === undefined || check.body === null || check.body === '';
      return empty ? { valid: true, operation, errors: [] } : fail(operation, 'response has a body but the document declares none');
    }
    const mediaType = (check.contentType ?? 'application/json').split(';')[0]!.trim();
    if (!content[mediaType]) return fail(operation, `media type ${mediaType} not documented (documented: ${Object.keys(content).join(', ')})`);
    const pointer = `#/paths/${escapePointer(template)}/${method}/responses/${key}/content/${escapePointer(mediaType)}/schema`;
    let validateFn = this.cache.get(pointer);
    if (!validateFn) {
      validateFn = this.ajv.compile({ $ref: `${this.docId}${pointer}` });
      this.cache.set(pointer, validateFn);
    }
    const valid = validateFn(check.body) as boolean;
    return {
      valid,
      operation,
      errors: valid ? [] : (validateFn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`),
    };
  }
}
