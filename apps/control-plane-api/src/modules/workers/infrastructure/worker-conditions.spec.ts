import { Condition } from '@lcm/contracts';
import { aWorker } from '@lcm/testing';
import { workerConditions } from './worker-conditions';

const NOW = new Date('2030-01-07T10:00:00.000Z');

const conditionsOf = (builder: ReturnType<typeof aWorker>) => {
  const conditions = workerConditions(builder.build().toState(), NOW);
  conditions.forEach((condition) => Condition.parse(condition));
  return Object.fromEntries(conditions.map((c) => [c.type, { status: c.status, reason: c.reason }]));
};

describe('workerConditions', () => {
  it('says what has not been observed yet on a new worker', () => {
    expect(conditionsOf(aWorker())).toEqual({
      Ec2Running: { status: 'Unknown', reason: 'NotObservedYet' },
      CmlReady: { status: 'False', reason: 'CmlUnavailable' },
      Licensed: { status: 'Unknown', reason: 'NotObservedYet' },
    });
  });

  it('explains why a running instance takes no sessions: CML starting, licence expired', () => {
    const worker = aWorker()
      .running()
      .with({ ec2_instance_state_detail: 'running', service_status: 'STARTING' })
      .build();
    const state = worker.toState();
    const conditions = workerConditions({ ...state, license: { ...state.license, status: 'EXPIRED' } }, NOW);
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ec2Running', 'True', 'InstanceRunning'],
      ['CmlReady', 'False', 'CmlStarting'],
      ['Licensed', 'False', 'Expired'],
      ['MetricsFresh', 'Unknown', 'NotCollectedYet'],
    ]);
  });

  it('maps EC2 states with dashes to PascalCase reasons and has none for a TERMINATED worker', () => {
    expect(
      conditionsOf(aWorker().with({ ec2_instance_state_detail: 'shutting-down' }))['Ec2Running'],
    ).toEqual({
      status: 'False',
      reason: 'InstanceShuttingDown',
    });
    expect(workerConditions({ ...aWorker().build().toState(), status: 'TERMINATED' }, NOW)).toEqual([]);
  });

  it('says whether the metrics of a running worker are recent, by its poll interval', () => {
    const state = aWorker().running().build().toState();
    const synced = (secondsAgo: number) => ({
      ...state,
      metrics: {
        ...state.metrics,
        last_synced_at: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
      },
      cloudwatch: { ...state.cloudwatch, poll_interval_seconds: 300 },
    });
    const freshness = (secondsAgo: number) =>
      workerConditions(synced(secondsAgo), NOW).find((c) => c.type === 'MetricsFresh');
    expect(freshness(120)).toMatchObject({
      status: 'True',
      reason: 'Recent',
      message: 'collected 120 s ago',
    });
    expect(freshness(601)).toMatchObject({ status: 'False', reason: 'Stale' });
  });
});
