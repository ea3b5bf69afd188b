import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

/** What every simulator start function returns; other projects' tests depend on this shape. */
export interface SimulatorHandle {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:9440`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(
  app: FastifyInstance,
  options: { host?: string | undefined; port?: number | undefined },
  onClose: () => void,
): Promise<SimulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const port = (app.server.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      onClose();
      // Keep-alive sockets of clients would otherwise hold `close()` open until they time out.
      app.server.closeAllConnections?.();
      await app.close();
    },
  };
}
