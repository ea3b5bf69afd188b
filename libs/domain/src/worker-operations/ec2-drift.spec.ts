import { detectEc2Drift, workerStatusPath } from './ec2-drift';

const running = (ip = '54.0.0.1') => ({ state: 'running', public_ip: ip, private_ip: '10.0.0.1' });
const worker = (status: Parameters<typeof detectEc2Drift>[0]['status']) => ({
  status,
  public_ip: '54.0.0.1',
  private_ip: '10.0.0.1',
});

describe('workerStatusPath', () => {
  it('walks allowed edges only, never through RUNNING', () => {
    expect(workerStatusPath('RUNNING', 'STOPPED')).toEqual(['STOPPING', 'STOPPED']);
    expect(workerStatusPath('DRAINING', 'STOPPED')).toEqual(['STOPPING', 'STOPPED']);
    expect(workerStatusPath('STOPPED', 'STARTING')).toEqual(['STARTING']);
    expect(workerStatusPath('RUNNING', 'RUNNING')).toEqual([]);
    expect(workerStatusPath('TERMINATED', 'RUNNING')).toBeNull();
  });
});

describe('detectEc2Drift', () => {
  it('reports an instance stopped outside LCM as STOPPING then STOPPED', () => {
    expect(detectEc2Drift(worker('RUNNING'), { ...running(), state: 'stopped' })).toEqual({
      statuses: ['STOPPING', 'STOPPED'],
      reason: 'ec2_stopped',
      addresses: null,
    });
  });

  it('reports a missing instance as TERMINATED, also for FAILED workers', () => {
    expect(detectEc2Drift(worker('RUNNING'), null).statuses).toEqual(['TERMINATED']);
    expect(detectEc2Drift(worker('FAILED'), null).statuses).toEqual(['TERMINATED']);
    expect(detectEc2Drift(worker('FAILED'), running()).statuses).toEqual([]);
  });

  it('reports an unrequested start as STARTING so the CML probe decides RUNNING', () => {
    expect(detectEc2Drift(worker('STOPPED'), running()).statuses).toEqual(['STARTING']);
  });

  it('reports new addresses of a running instance and nothing when in sync', () => {
    expect(detectEc2Drift(worker('RUNNING'), running('54.9.9.9'))).toEqual({
      statuses: [],
      reason: 'ec2_readdressed',
      addresses: { public_ip: '54.9.9.9', private_ip: '10.0.0.1' },
    });
    expect(detectEc2Drift(worker('DRAINING'), running())).toEqual({
      statuses: [],
      reason: 'in_sync',
      addresses: null,
    });
  });

  it('leaves workers in transition to their lifecycle step', () => {
    expect(detectEc2Drift(worker('PROVISIONING'), null).statuses).toEqual([]);
    expect(detectEc2Drift(worker('STOPPING'), { ...running(), state: 'stopped' }).statuses).toEqual([]);
  });
});
