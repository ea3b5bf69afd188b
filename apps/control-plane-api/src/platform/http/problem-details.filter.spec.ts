import { Writable } from 'node:stream';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { createLogger } from '@lcm/observability';
import { sendProblem } from './problem-details.filter';

describe('sendProblem', () => {
  it('logs and echoes the path of a failed request, never its query string (an SSE access_token)', () => {
    let logged = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const sent: { status?: number; body?: Record<string, unknown> } = {};
    const reply = {
      status(code: number) {
        sent.status = code;
        return reply;
      },
      header() {
        return reply;
      },
      send(body: Record<string, unknown>) {
        sent.body = body;
        return reply;
      },
    };
    const request = {
      method: 'GET',
      url: '/api/v1/events/stream?access_token=eyJ.secret-token.sig',
      headers: { authorization: 'Bearer eyJ.secret-token.sig' },
    };

    sendProblem(
      new Error('stream broke'),
      request as unknown as FastifyRequest,
      reply as unknown as FastifyReply,
      createLogger({ service: 'test' }, destination),
    );

    expect(logged).toContain('unhandled error');
    expect(logged).toContain('/api/v1/events/stream');
    expect(logged).not.toContain('secret-token');
    expect(sent).toMatchObject({ status: 500, body: { instance: '/api/v1/events/stream' } });
  });
});
