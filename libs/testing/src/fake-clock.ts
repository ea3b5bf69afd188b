import type { Clock } from '@lcm/domain';

export const FAKE_CLOCK_EPOCH = new Date('2030-01-07T09:00:00.000Z');

/** A clock that only moves when the test says so. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = FAKE_CLOCK_EPOCH) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  step(ms: number): this {
    this.current += ms;
    return this;
  }

  set(date: Date | string): this {
    this.current = new Date(date).getTime();
    return this;
  }
}
