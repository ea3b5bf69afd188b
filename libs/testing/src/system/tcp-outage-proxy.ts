import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of a shared server, so a test can take that server "down" for one control
 * plane (refused connections, dropped sockets) and bring it back, without stopping the server
 * every other test uses.
 */
export class TcpOutageProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /**
   * Stops listening before it drops the relayed sockets: dropped first, a client reconnecting at
   * once (the MongoDB driver's monitor does) could reach the closing listener, and the control
   * plane's monitor then hung on that connection and never saw the store return.
   */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    this.sockets.forEach((socket) => socket.destroy());
    await closed;
  }
}
