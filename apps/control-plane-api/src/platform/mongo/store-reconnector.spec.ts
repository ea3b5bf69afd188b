import { createLogger } from '@lcm/observability';
import { StoreReconnector } from './store-reconnector';

/** A client whose pings fail while `answers` is false; counts closes and connects. */
function fakeClient() {
  const client = {
    answers: true,
    closes: 0,
    connects: 0,
    db: () => ({
      command: async () => {
        if (!client.answers) throw new Error('server selection timed out');
        return { ok: 1 };
      },
    }),
    close: async () => {
      client.closes += 1;
    },
    connect: async () => {
      client.connects += 1;
      return client;
    },
  };
  return client;
}

const TIMEOUT_MS = 1000;

describe('StoreReconnector', () => {
  let now = 0;
  const logger = createLogger({ service: 'test', level: 'silent' });
  const reconnectorOf = (client: ReturnType<typeof fakeClient>) =>
    new StoreReconnector(client as never, TIMEOUT_MS, logger, () => now);

  beforeEach(() => {
    now = 0;
  });

  it('leaves a client alone while the store answers, and through failures shorter than three store timeouts', async () => {
    const client = fakeClient();
    const reconnector = reconnectorOf(client);
    await reconnector.check();
    client.answers = false;
    for (now = 0; now < 3 * TIMEOUT_MS; now += TIMEOUT_MS) await reconnector.check();
    client.answers = true;
    await reconnector.check();
    expect([client.closes, client.connects]).toEqual([0, 0]);
  });

  it('closes and connects the client again after three store timeouts of unbroken failure, then waits as long again', async () => {
    const client = fakeClient();
    const reconnector = reconnectorOf(client);
    client.answers = false;
    for (now = 0; now <= 3 * TIMEOUT_MS; now += TIMEOUT_MS) await reconnector.check();
    expect([client.closes, client.connects]).toEqual([1, 1]);

    for (; now < 6 * TIMEOUT_MS; now += TIMEOUT_MS) await reconnector.check();
    expect([client.closes, client.connects]).toEqual([1, 1]);
    await reconnector.check();
    expect([client.closes, client.connects]).toEqual([2, 2]);
  });

  it('never starts watching after it was stopped', () => {
    const reconnector = reconnectorOf(fakeClient());
    const setInterval = jest.spyOn(global, 'setInterval');
    reconnector.stop();
    reconnector.start();
    expect(setInterval).not.toHaveBeenCalled();
    setInterval.mockRestore();
  });
});
