import type { FieldError } from '../errors/errors.contract';

/**
 * Length limits of every text a request carries, in one place for the server's input parsing and
 * the OpenAPI document. Without them one field could carry most of the body limit (an `owner` of
 * 900 KB was accepted, and its change event then failed in etcd, losing the SSE event).
 */
export const MAX_TEXT_LENGTH = 4096;
/** Prose written by people (CML lab descriptions and notes) may run longer. */
export const MAX_PROSE_LENGTH = 65_536;
/** Whole documents: topology YAML, collected device configurations. */
export const MAX_DOCUMENT_LENGTH = 524_288;

const PROSE_FIELDS = new Set(['description', 'notes']);
const DOCUMENT_FIELDS = new Set(['yaml', 'topology_yaml', 'content']);

/** The longest text the field named `field` (the last property name on its path) may hold. */
export function maxTextLength(field: string | undefined): number {
  if (field && DOCUMENT_FIELDS.has(field)) return MAX_DOCUMENT_LENGTH;
  if (field && PROSE_FIELDS.has(field)) return MAX_PROSE_LENGTH;
  return MAX_TEXT_LENGTH;
}

/** Every string in a request part that is longer than its field allows, as field errors. */
export function overlongTexts(value: unknown, path: readonly (string | number)[] = []): FieldError[] {
  if (typeof value === 'string') {
    const field = [...path].reverse().find((part): part is string => typeof part === 'string');
    const limit = maxTextLength(field);
    return value.length > limit
      ? [{ field: path.join('.'), message: `at most ${limit} characters (got ${value.length})` }]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => overlongTexts(item, [...path, index]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => overlongTexts(item, [...path, key]));
  return [];
}

/**
 * Texts and keys with a NUL character, anywhere in a request part: PostgreSQL, under FerretDB,
 * cannot store one (a 500 from the store before), so input parsing refuses it with a 400.
 */
export function nulTexts(value: unknown, path: readonly (string | number)[] = []): FieldError[] {
  if (typeof value === 'string')
    return value.includes('\u0000')
      ? [{ field: path.join('.'), message: 'must not contain a NUL character' }]
      : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => nulTexts(item, [...path, index]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) =>
      key.includes('\u0000')
        ? [{ field: path.join('.'), message: 'keys must not contain a NUL character' }]
        : nulTexts(item, [...path, key]),
    );
  return [];
}

/** Every text or key in a request part the store cannot hold or its field does not allow. */
export const unstorableTexts = (value: unknown, path: readonly (string | number)[] = []): FieldError[] => [
  ...nulTexts(value, path),
  ...overlongTexts(value, path),
];
