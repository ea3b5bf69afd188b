import { z } from 'zod';

export const UNKNOWN = 'UNKNOWN' as const;
export type Unknown = typeof UNKNOWN;

type UnknownValueReporter = (field: string, rawValue: unknown) => void;

// zod transforms get no caller context, so the reporter of the parse in progress is held here.
// Parsing is synchronous, so no other parse can interleave between set and reset.
let activeReporter: UnknownValueReporter | undefined;

/**
 * An enum that never fails: values outside the documented list become `'UNKNOWN'` and are reported
 * to the logger of the parse in progress (see `parseReportingUnknownValues`). Remote systems add
 * states between versions; a new state must degrade one field, not the whole response.
 */
export function tolerantEnum<const Values extends readonly [string, ...string[]]>(values: Values, field: string) {
  const known = new Set<string>(values);
  return z.unknown().transform((raw): Values[number] | Unknown => {
    if (typeof raw === 'string' && known.has(raw)) return raw as Values[number];
    activeReporter?.(field, raw);
    return UNKNOWN;
  });
}

export function parseReportingUnknownValues<Schema extends z.ZodType>(
  schema: Schema,
  data: unknown,
  reportUnknown: UnknownValueReporter,
): ReturnType<Schema['safeParse']> {
  const previous = activeReporter;
  activeReporter = reportUnknown;
  try {
    return schema.safeParse(data) as ReturnType<Schema['safeParse']>;
  } finally {
    activeReporter = previous;
  }
}
