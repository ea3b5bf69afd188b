import { type Socket } from 'node:net';
import { type FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type Route } from '@lcm/contracts';
import { problemOf } from './problem-details';

/** Longer request targets are refused with 414 before routing (far above any real API URL). */
export const MAX_URL_LENGTH = 8192;

const pathOf = (url: string): string => url.split('?')[0] ?? '';

const PLACEHOLDER = /:[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The methods of the resource a path names. Where templates of several resources match (e.g.
 * `/workers/import` and `/workers/:worker_id`), the path names the one with the fewest
 * placeholders, as the router prefers static segments and the API document lists them apart.
 */
export function resourceMethods(
  patterns: readonly { method: string; regex: RegExp; placeholders: number }[],
  path: string,
): Set<string> {
  const matching = patterns.filter(({ regex }) => regex.test(path));
  const fewest = Math.min(...matching.map(({ placeholders }) => placeholders));
  return new Set(matching.filter(({ placeholders }) => placeholders === fewest).map(({ method }) => method));
}

/**
 * RFC 9110 §15.5.6: a method the resource does not declare is 405 with `Allow`, not 404 (or 400).
 * The resource is known from the contract routes; paths no route matches stay 404. OPTIONS
 * answers the `Allow` list itself.
 */
export function installHttpSemantics(fastify: FastifyInstance, routes: readonly Route[]): void {
  const patterns = routes.map((route) => ({
    method: route.method as string,
    regex: new RegExp(`^${route.path.replace(PLACEHOLDER, '[^/]+')}/?$`),
    placeholders: route.path.match(PLACEHOLDER)?.length ?? 0,
  }));
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH) {
      await reply
        .status(414)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(problemOf('URI_TOO_LONG', `The request target is longer than ${MAX_URL_LENGTH} characters.`));
      return reply;
    }
    const path = pathOf(request.url);
    const allowed = resourceMethods(patterns, path);
    if (allowed.size === 0 || allowed.has(request.method)) return;
    if (request.method === 'HEAD' && allowed.has('GET')) return;
    // `Allow` names the methods the API document declares for the resource (HEAD and OPTIONS are implied).
    const allow = [...allowed].sort().join(', ');
    if (request.method === 'OPTIONS') {
      await reply.status(204).header('allow', allow).send();
      return reply;
    }
    await reply
      .status(405)
      .header('allow', allow)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send({
        ...problemOf('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow}.`),
        instance: path,
      });
    return reply;
  });
}

/**
 * Requests Node refuses before Fastify sees them (a request line or headers beyond the server's
 * header limit, a malformed request) get a problem document too, never echoing what was sent:
 * 414 when the request line is what overflows, 431 for the headers, 400 otherwise.
 */
export function clientErrorResponse(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
): void {
  if (!socket.writable) return;
  const overflow = error.code === 'HPE_HEADER_OVERFLOW';
  // The packet starts with the request line when the whole request arrived at once (the usual case).
  const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '';
  const firstLine = packet.slice(0, Math.max(0, packet.indexOf('\r\n')));
  const longRequestLine = / HTTP\/1\.[01]$/.test(firstLine) && firstLine.length > MAX_URL_LENGTH;
  const document = !overflow
    ? problemOf('VALIDATION_FAILED', 'The request could not be parsed.')
    : longRequestLine
      ? problemOf('URI_TOO_LONG', 'The request target is too long.')
      : problemOf('HEADERS_TOO_LARGE', 'The request headers are too large.');
  const body = JSON.stringify(document);
  const reason = { 400: 'Bad Request', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[
    document.status as 400 | 414 | 431
  ];
  socket.end(
    `HTTP/1.1 ${document.status} ${reason}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
