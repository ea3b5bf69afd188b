import { describeEvent, planFaults, type FaultPlanOptions } from './fault-plan';
import { SeededRandom } from './seeded-random';

const OPTIONS: FaultPlanOptions = { durationMs: 120_000, gapMs: [2_000, 8_000], pauseMs: [1_000, 10_000] };

describe('fault plan', () => {
  it('is the same for the same seed and differs for another', () => {
    const plan = planFaults(new SeededRandom(42), OPTIONS);
    expect(planFaults(new SeededRandom(42), OPTIONS)).toEqual(plan);
    expect(planFaults(new SeededRandom(43), OPTIONS)).not.toEqual(plan);
  });

  it('keeps events one at a time, with their pauses inside the bounds and the drill duration', () => {
    for (const seed of [1, 7, 99, 2026]) {
      const plan = planFaults(new SeededRandom(seed), OPTIONS);
      expect(plan.length).toBeGreaterThan(3);
      let previousEnd = 0;
      for (const event of plan) {
        expect(event.atMs - previousEnd).toBeGreaterThanOrEqual(2_000);
        expect(event.atMs - previousEnd).toBeLessThanOrEqual(8_000);
        expect(event.pauseMs).toBeGreaterThanOrEqual(1_000);
        expect(event.pauseMs).toBeLessThanOrEqual(10_000);
        previousEnd = event.atMs + event.pauseMs;
      }
      expect(previousEnd).toBeLessThanOrEqual(OPTIONS.durationMs);
    }
  });

  it('draws every kind of event over a long schedule and describes each in one line', () => {
    const plan = planFaults(new SeededRandom(5), { ...OPTIONS, durationMs: 3_600_000 });
    expect(new Set(plan.map((event) => event.kind))).toEqual(new Set(['kill', 'outage', 'simulator-fault']));
    expect(describeEvent({ atMs: 1_500, kind: 'kill', target: 'lablet-controller', pauseMs: 4_000 })).toBe(
      't+1.5s kill -9 lablet-controller, back after 4.0s',
    );
    expect(
      describeEvent({
        atMs: 0,
        kind: 'simulator-fault',
        fault: { simulator: 'grading', kind: 'grading-failures' },
        pauseMs: 2_000,
      }),
    ).toBe('t+0.0s grading simulator: every grading fails for 2.0s');
    expect(
      describeEvent({
        atMs: 3_000,
        kind: 'simulator-fault',
        fault: { simulator: 'ec2', kind: 'throttling', rate: 0.8 },
        pauseMs: 5_000,
      }),
    ).toBe('t+3.0s EC2 (moto relay): 80% RequestLimitExceeded for 5.0s');
  });
});
