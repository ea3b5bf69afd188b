/** Decision 12 / spec §7.2: a worker that is not RUNNING after its template's startup time × 1.5 is FAILED. */
export const STARTUP_TIMEOUT_FACTOR = 1.5;

/** When a worker whose start began at `startedAt` is given up on. */
export function startupDeadline(startedAt: string, startupTimeMinutes: number): Date {
  return new Date(Date.parse(startedAt) + startupTimeMinutes * STARTUP_TIMEOUT_FACTOR * 60_000);
}

export function isStartupOverdue(startedAt: string | null, startupTimeMinutes: number, now: Date): boolean {
  return startedAt !== null && now.getTime() > startupDeadline(startedAt, startupTimeMinutes).getTime();
}
