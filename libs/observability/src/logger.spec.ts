import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { currentCorrelationId, withCorrelationId } from './correlation';

function captureLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('createLogger', () => {
  it('writes JSON lines naming the service, with the correlation id in scope', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'control-plane-api' }, stream);

    logger.info('outside');
    withCorrelationId('req-42', () => logger.info({ worker_id: 'w1' }, 'inside'));

    const [outside, inside] = lines();
    expect(outside).toMatchObject({ service: 'control-plane-api', msg: 'outside' });
    expect(outside).not.toHaveProperty('correlation_id');
    expect(inside).toMatchObject({
      service: 'control-plane-api',
      msg: 'inside',
      worker_id: 'w1',
      correlation_id: 'req-42',
    });
  });

  it('never writes credentials from header maps, HTTP client errors or secret-named fields', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'control-plane-api' }, stream);

    logger.warn(
      {
        headers: { authorization: 'Bearer header-token', cookie: 'lcm_session=cookie-secret' },
        req: { headers: { 'x-api-key': 'controller-key' } },
        err: { message: 'boom', config: { headers: { Authorization: 'Bearer axios-token' } } },
        body: { password: 'device-password', access_token: 'query-token', login_url: 'https://lds/?t=x' },
      },
      'failed',
    );

    const written = JSON.stringify(lines());
    for (const secret of [
      'header-token',
      'cookie-secret',
      'controller-key',
      'axios-token',
      'device-password',
      'query-token',
      'lds/?t=x',
    ])
      expect(written).not.toContain(secret);
    expect(lines()[0]).toMatchObject({ msg: 'failed', headers: { authorization: '[redacted]' } });
  });

  it('prints one readable line per entry for a person at a terminal (LOG_FORMAT=pretty), not JSON', () => {
    // pino-pretty runs in a worker thread writing to stdout, so only a process of its own shows it.
    const logOneRequest = `require(${JSON.stringify(resolve(__dirname, 'logger.ts'))})
      .createLogger({ service: 'control-plane-api' })
      .info({ request: { method: 'GET', route: '/api/v1/sessions', status: 200 } }, 'request completed')`;
    const output = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', logOneRequest], {
      cwd: resolve(__dirname, '../../..'),
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', LOG_FORMAT: 'pretty' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Without the colours of the terminal output.
    const lines = output
      .replace(/\u001b\[[0-9;]*m/g, '')
      .trim()
      .split('\n');
    // Pretty printing once spread this entry over seven lines.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: request completed \{"service":"control-plane-api"/,
    );
  }, 60_000);

  it('invents a correlation id when none is given and keeps it across awaits', async () => {
    const seen = await withCorrelationId(undefined, async () => {
      const before = currentCorrelationId();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [before, currentCorrelationId()];
    });
    expect(seen[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1]).toBe(seen[0]);
  });
});
