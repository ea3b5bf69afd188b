import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingServer {
  url: string;
  received: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in HTTP server on a free loopback port that records every request and answers what
 * `answer` says — an OTLP collector receiving spans, or an outside system checked for the headers
 * it was sent (e.g. W3C `traceparent`).
 */
export async function startRecordingServer(
  answer: (request: RecordedRequest) => { status: number; body: string } = () => ({
    status: 200,
    body: '{}',
  }),
): Promise<RecordingServer> {
  const received: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = {
        method: request.method ?? 'GET',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(recorded);
      const { status, body } = answer(recorded);
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: {
      scope: { name: string };
      spans: { traceId: string; spanId: string; parentSpanId?: string; name: string }[];
    }[];
  }[];
}

export interface ExportedSpan {
  service: string | undefined;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

/** The spans an OTLP/HTTP JSON exporter sent to a recording server at `/v1/traces`. */
export function exportedSpans(collector: RecordingServer): ExportedSpan[] {
  return collector.received
    .filter((request) => request.path === '/v1/traces')
    .flatMap((request) => (JSON.parse(request.body) as OtlpExport).resourceSpans)
    .flatMap((resource) => {
      const service = resource.resource.attributes.find((attribute) => attribute.key === 'service.name')
        ?.value.stringValue;
      return resource.scopeSpans.flatMap((scope) =>
        scope.spans.map((span) => ({ ...span, service, scope: scope.scope.name })),
      );
    });
}
