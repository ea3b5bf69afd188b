/** Time source of the domain: aggregates never read the wall clock themselves, so tests can step time. */
export interface Clock {
  now(): Date;
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

