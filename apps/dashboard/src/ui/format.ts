export const formatTime = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—';

export const shortId = (id: string | null | undefined): string => (id ? id.slice(0, 8) : '—');

/** Counts items per value of a field, e.g. sessions per status, for metric cards. */
export function countBy<T>(items: readonly T[], field: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[field(item)] = (counts[field(item)] ?? 0) + 1;
  return counts;
}
