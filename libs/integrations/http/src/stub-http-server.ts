import http from 'node:http';
import { type AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  bodyText: string;
}

export interface StubResponse {
  status: number;
  /** Objects are sent as JSON; strings verbatim. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type StubHandler = (request: StubRequest) => StubResponse | Promise<StubResponse>;

export interface StubHttpServer {
  url: string;
  requests: StubRequest[];
  /** Replaces the handler, so one server can serve several test cases. */
  respondWith(handler: StubHandler): void;
  close(): Promise<void>;
}

/**
 * A scripted HTTP server on an ephemeral port, for adapter tests that must exercise the real wire
 * (headers, status codes, bodies) without the simulators. Test support only.
 */
export async function startStubHttpServer(initialHandler: StubHandler): Promise<StubHttpServer> {
  let handler = initialHandler;
  const requests: StubRequest[] = [];
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://stub');
      const request: StubRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        bodyText: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      Promise.resolve()
        .then(() => handler(request))
        .then((response) => {
          const isText = typeof response.body === 'string';
          const payload = response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
          outgoing.writeHead(response.status, {
            ...(response.body !== undefined && !isText ? { 'Content-Type': 'application/json' } : {}),
            ...response.headers,
          });
          outgoing.end(payload);
        })
        .catch((error: unknown) => {
          outgoing.writeHead(500, { 'Content-Type': 'text/plain' });
          outgoing.end(`stub handler failed: ${String(error)}`);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
