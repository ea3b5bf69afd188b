import { FaultInjector } from './faults';

const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('FaultInjector', () => {
  it('passes everything when nothing is configured', () => {
    const injector = new FaultInjector(() => 0);
    expect(injector.decide()).toEqual({ kind: 'pass', latencyMs: 0 });
  });

  it('maps one draw onto drop, then statuses in ascending order', () => {
    const injector = new FaultInjector(sequence(0.05, 0.15, 0.35, 0.95));
    injector.configure({ dropRate: 0.1, errorRates: { '503': 0.2, '429': 0.1 } });
    expect(injector.decide().kind).toBe('drop'); // 0.05 < 0.1
    expect(injector.decide()).toMatchObject({ kind: 'error', status: 429 }); // 0.1 <= 0.15 < 0.2
    expect(injector.decide()).toMatchObject({ kind: 'error', status: 503 }); // 0.2 <= 0.35 < 0.4
    expect(injector.decide().kind).toBe('pass');
    expect(injector.current().injected).toBe(3);
  });

  it('a rate of 1.0 fails every request and carries Retry-After seconds', () => {
    const injector = new FaultInjector(Math.random);
    injector.configure({ errorRates: { '429': 1 }, retryAfterSeconds: 7 });
    for (let i = 0; i < 50; i++) expect(injector.decide()).toEqual({ kind: 'error', status: 429, latencyMs: 0, retryAfterSeconds: 7 });
  });

  it('adds latency to passing requests too', () => {
    const injector = new FaultInjector(() => 0.5);
    injector.configure({ latencyMs: 250 });
    expect(injector.decide()).toEqual({ kind: 'pass', latencyMs: 250 });
  });

  it('stops after `remaining` affected requests and resets itself', () => {
    const injector = new FaultInjector(() => 0);
    injector.configure({ errorRates: { '500': 1 }, remaining: 2 });
    expect(injector.decide()).toMatchObject({ kind: 'error', status: 500 });
    expect(injector.decide()).toMatchObject({ kind: 'error', status: 500 });
    expect(injector.decide().kind).toBe('pass');
    expect(injector.active).toBe(false);
  });

  it('rejects unknown statuses and rates that add up to more than 1', () => {
    const injector = new FaultInjector();
    expect(() => injector.configure({ errorRates: { '418': 0.5 } })).toThrow(/status must be one of/);
    expect(() => injector.configure({ errorRates: { '500': 0.6 }, dropRate: 0.6 })).toThrow(/must not exceed 1/);
  });
});
