import { Writable } from 'node:stream';
import { type Etcd3 } from 'etcd3';
import { createLogger } from '@lcm/observability';
import { type AppConfig } from '../../config/env.schema';
import { ProjectionRepublisher } from './projection-republisher';

const DEBUG = 20;
const WARN = 40;

/** A republisher over the given projectors, with every log line it writes (at debug and above). */
function republisherOver(...projectors: { name: string; republishAll(): Promise<void> }[]) {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const registry = { all: () => projectors } as unknown as ConstructorParameters<
    typeof ProjectionRepublisher
  >[0];
  const republisher = new ProjectionRepublisher(
    registry,
    {} as Etcd3,
    {} as AppConfig,
    createLogger({ service: 'test', level: 'debug' }, destination),
  );
  return { republisher, lines };
}

describe('ProjectionRepublisher log lines', () => {
  it('writes a successful republish, which repeats every resync period, at debug only', async () => {
    const { republisher, lines } = republisherOver({ name: 'sessions', republishAll: async () => undefined });
    await republisher.republishAll('periodic resync');
    await republisher.republishAll('periodic resync');
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      [DEBUG, 'etcd projection republished'],
      [DEBUG, 'etcd projection republished'],
    ]);
  });

  it('warns when a projector fails, naming it', async () => {
    const { republisher, lines } = republisherOver(
      { name: 'sessions', republishAll: async () => undefined },
      {
        name: 'workers',
        republishAll: async () => {
          throw new Error('etcd unavailable');
        },
      },
    );
    await republisher.republishAll('start-up');
    expect(lines).toEqual([
      expect.objectContaining({
        level: WARN,
        projector: 'workers',
        msg: 'etcd republish failed; retried when etcd answers',
      }),
    ]);
  });
});
