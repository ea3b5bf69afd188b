import { NotFoundError } from './errors';
import { FakeCallRecorder } from './fake-support';

describe('FakeCallRecorder', () => {
  it('logs calls with their arguments in order', () => {
    const recorder = new FakeCallRecorder<'getLab' | 'startLab'>();
    recorder.enter('getLab', 'lab-1');
    recorder.enter('startLab', 'lab-1');
    expect(recorder.operations()).toEqual(['getLab', 'startLab']);
    expect(recorder.callsTo('getLab')).toEqual([['lab-1']]);
  });

  it('throws an injected failure for the next N calls of one operation only', () => {
    const recorder = new FakeCallRecorder<'getLab' | 'startLab'>();
    const missing = new NotFoundError({ system: 'cml', operation: 'getLab', status: 404 });
    recorder.failNext('getLab', missing, 2);
    expect(() => recorder.enter('startLab')).not.toThrow();
    expect(() => recorder.enter('getLab')).toThrow(missing);
    expect(() => recorder.enter('getLab')).toThrow(missing);
    expect(() => recorder.enter('getLab')).not.toThrow();
  });

  it('lets a wildcard failure hit whichever operation comes next', () => {
    const recorder = new FakeCallRecorder<'getLab' | 'startLab'>();
    const boom = new Error('boom');
    recorder.failNext('*', boom);
    expect(() => recorder.enter('startLab')).toThrow(boom);
    expect(() => recorder.enter('getLab')).not.toThrow();
  });
});
