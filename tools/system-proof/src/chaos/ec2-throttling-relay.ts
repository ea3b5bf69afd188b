import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type SeededRandom } from './seeded-random';

/** The AWS service a signed request is for: the service part of its SigV4 credential scope. */
function serviceOf(request: IncomingMessage): string | null {
  const authorization = request.headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1] ?? null;
}

/** What EC2 answers a client over its request rate (EC2 query API error document, HTTP 503). */
function requestLimitExceeded(response: ServerResponse): void {
  response.writeHead(503, { 'content-type': 'text/xml;charset=UTF-8' });
  response.end(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>' +
      `</Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  );
}

export interface ThrottlingFigures {
  /** EC2 calls that reached the relay since the throttling began. */
  ec2Calls: number;
  /** Of those, the ones answered RequestLimitExceeded. */
  throttled: number;
  /** How long the throttling has lasted (or lasted, once cleared). */
  elapsedMs: number;
}

/**
 * An HTTP relay in front of moto for the worker-controller, which can answer a fraction of the
 * EC2 calls with RequestLimitExceeded, as EC2 does to an account over its request rate. moto has
 * no switch for it (its EC2 never throttles), and the relay keeps the shared moto untouched.
 * A throttled call never reaches moto: EC2 refuses it before doing anything. Calls to other
 * services (CloudWatch) and every call while no throttling is on pass through unchanged.
 */
export class Ec2ThrottlingRelay {
  private server: Server | null = null;
  private throttling: { rate: number; random: SeededRandom; since: number; until: number | null } | null =
    null;
  private figures = { ec2Calls: 0, throttled: 0 };

  constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((incoming, outgoing) => this.relay(incoming, outgoing));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** From now on answers a `rate` share of the EC2 calls (drawn from `random`) with RequestLimitExceeded. */
  throttle(rate: number, random: SeededRandom): void {
    this.throttling = { rate, random, since: Date.now(), until: null };
    this.figures = { ec2Calls: 0, throttled: 0 };
  }

  /** Every call passes again; the figures of the throttling stay readable. */
  clear(): void {
    if (this.throttling && this.throttling.until === null) this.throttling.until = Date.now();
  }

  get throttled(): ThrottlingFigures {
    const since = this.throttling?.since ?? Date.now();
    return { ...this.figures, elapsedMs: (this.throttling?.until ?? Date.now()) - since };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const throttling = this.throttling?.until === null ? this.throttling : null;
    if (throttling && serviceOf(incoming) === 'ec2') {
      this.figures.ec2Calls += 1;
      if (throttling.random.next() < throttling.rate) {
        this.figures.throttled += 1;
        incoming.resume();
        requestLimitExceeded(outgoing);
        return;
      }
    }
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    // moto away: the client sees its connection drop, as it would without the relay.
    upstream.once('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  }
}
