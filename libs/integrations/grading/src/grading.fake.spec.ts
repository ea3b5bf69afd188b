import { InvalidError, NotFoundError } from '@lcm/integrations/http';
import { GradingFake } from './grading.fake';
import { buildPodFromDeviceAccess } from './grading.pod';

const pod = buildPodFromDeviceAccess('ls-1', [{ name: 'r1', protocol: 'telnet', host: 'h', port: 5041 }]);

describe('GradingFake', () => {
  it('grades, bumps the revision and submits', async () => {
    const engine = new GradingFake();
    await engine.createSession({ id: 'ls-1', candidateId: 'c', parts: [{ id: 'F', pod }] });
    await engine.gradePart('ls-1', 'F');
    engine.nextScore.set('F', 0);
    await engine.gradePart('ls-1', 'F', { recollect: true });
    const graded = await engine.getSession('ls-1');
    expect(graded.parts[0]?.scoreReport).toMatchObject({ score: 0, maxScore: 1, revision: 2, generation: 1 });
    const submitted = await engine.submitPart('ls-1', 'F');
    expect(submitted).toMatchObject({ status: 'Completed', parts: [{ status: 'Submitted' }] });
  });

  it('refuses to grade a part without a pod or submit an ungraded part', async () => {
    const engine = new GradingFake();
    await engine.createSession({ id: 'ls-1', candidateId: 'c', parts: [{ id: 'F' }] });
    await expect(engine.gradePart('ls-1', 'F')).rejects.toBeInstanceOf(InvalidError);
    await expect(engine.submitPart('ls-1', 'F')).rejects.toBeInstanceOf(InvalidError);
    await engine.assignPod('ls-1', 'F', pod);
    await engine.gradePart('ls-1', 'F');
    await engine.detachPod('ls-1', 'F');
    await expect(engine.getSession('ls-1')).resolves.toMatchObject({ parts: [{ pod: null }] });
  });

  it('answers NotFound for unknown sessions and records calls', async () => {
    const engine = new GradingFake();
    await expect(engine.getSession('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(engine.recorder.callsTo('getSession')).toEqual([['nope']]);
  });
});
