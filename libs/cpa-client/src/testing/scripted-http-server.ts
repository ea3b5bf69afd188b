import http from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** As sent, still percent-encoded, with the query string. */
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  bodyText: string;
}

export interface ScriptedAnswer {
  status: number;
  /** Objects are sent as JSON (problem+json from 400 on); strings verbatim. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface ScriptedHttpServer {
  url: string;
  requests: ReceivedRequest[];
  /** Answers the next requests in order; the last answer repeats once the script runs out. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

const contentTypeFor = (answer: ScriptedAnswer): Record<string, string> => {
  if (answer.body === undefined || typeof answer.body === 'string') return {};
  return { 'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json' };
};

/** A real HTTP server on 127.0.0.1 and an ephemeral port, answering from a script. Test support only. */
export async function startScriptedHttpServer(): Promise<ScriptedHttpServer> {
  let answers: ScriptedAnswer[] = [{ status: 500, body: 'no answer scripted' }];
  const requests: ReceivedRequest[] = [];
  const delayedAnswers = new Set<NodeJS.Timeout>();
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawUrl = incoming.url ?? '/';
      const url = new URL(rawUrl, 'http://scripted');
      requests.push({
        method: incoming.method ?? 'GET',
        rawUrl,
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        bodyText: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = (answers.length > 1 ? answers.shift() : answers[0]) as ScriptedAnswer;
      const payload =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      const timer = setTimeout(() => {
        delayedAnswers.delete(timer);
        if (outgoing.destroyed) return;
        outgoing.writeHead(answer.status, { ...contentTypeFor(answer), ...answer.headers });
        outgoing.end(payload);
      }, answer.delayMs ?? 0);
      delayedAnswers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...next) => {
      answers = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        delayedAnswers.forEach((timer) => clearTimeout(timer));
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
