import { buildScoreReport, defaultCutScore, GradingStore, scoreDevice, type Pod } from './model';

const pod: Pod = {
  id: 'pod-1',
  devices: [
    { label: 'vmanage-mock', hostname: 'vmanage-mock', collector: 'ccm', interfaces: [{ name: 'console', protocol: 'telnet', host: '54.1.2.3', port: 5041 }] },
    { label: 'ubuntu-desktop', hostname: 'ubuntu-desktop', collector: 'ccm', interfaces: [{ name: 'console', protocol: 'telnet', host: '54.1.2.3' }] },
  ],
};

describe('grading score report', () => {
  it('port-presence rubric: full marks only for devices whose first interface has a port', () => {
    const report = buildScoreReport({ sessionId: 's', partId: 'p', pod, rubric: 'port-presence', generation: 1, revision: 1, nowIso: '2026-01-01T00:00:00.000Z' });
    expect(report.sections).toHaveLength(1);
    expect(report.sections[0]!.items.map((i) => [i.id, i.score, i.maxScore])).toEqual([
      ['vmanage-mock', 10, 10],
      ['ubuntu-desktop', 0, 10],
    ]);
    expect([report.score, report.maxScore]).toEqual([10, 20]);
    expect(report.score >= defaultCutScore(report.maxScore)).toBe(false);
  });

  it('hashed rubric is deterministic per session/part/label and varies across sessions', () => {
    const device = pod.devices![0]!;
    const first = scoreDevice('hashed', 'session-a', 'form/1', device);
    expect(scoreDevice('hashed', 'session-a', 'form/1', device)).toBe(first);
    const spread = new Set(Array.from({ length: 40 }, (_, i) => scoreDevice('hashed', `session-${i}`, 'form/1', device)));
    expect(spread.size).toBeGreaterThan(3);
    for (const score of spread) expect(score).toBeGreaterThanOrEqual(0);
    for (const score of spread) expect(score).toBeLessThanOrEqual(10);
  });

  it('identical inputs give identical reports', () => {
    const input = { sessionId: 's', partId: 'p', pod, rubric: 'hashed' as const, generation: 2, revision: 3, nowIso: '2026-01-01T00:00:00.000Z' };
    expect(buildScoreReport(input)).toEqual(buildScoreReport(input));
  });

  it('overrides replace a device score, clamped to the item maximum', () => {
    const report = buildScoreReport({ sessionId: 's', partId: 'p', pod, rubric: 'port-presence', generation: 1, revision: 1, nowIso: 'x', overrides: { 'ubuntu-desktop': 42 } });
    expect(report.score).toBe(20);
  });

  it('submit needs a graded part; parts move Created -> Ready when a pod is assigned', () => {
    const store = new GradingStore(() => 0);
    store.create({ id: 's1', candidateId: 'cand-1', parts: [{ id: 'p1' }] });
    expect(store.get('s1').parts[0]!.status).toBe('Created');
    store.setPod('s1', 'p1', pod, 'assign');
    expect(store.get('s1').parts[0]!.status).toBe('Ready');
    expect(() => store.setPod('s1', 'p1', pod, 'assign')).toThrow(/already has a pod/);
    expect(() => store.submit('s1', 'p1')).toThrow(/no score to submit/);
  });
});
