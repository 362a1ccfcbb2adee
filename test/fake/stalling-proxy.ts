// A loopback TCP proxy in front of an API server that can stall: `stall()` stops forwarding on every
// connection open at that moment, in both directions, and keeps them open (a peer that went silent
// without a reset, as behind a dead NAT entry); connections made later work. TLS passes through.
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export class StallingProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  readonly #stalled = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }): Promise<StallingProxy> {
    const server = createServer();
    const proxy = new StallingProxy(server);
    server.on('connection', (client) => proxy.#forward(client, target));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Connections open now (each a client and an upstream socket). */
  get open(): number {
    return this.#pairs.size;
  }

  /** Freezes every open connection; returns how many. */
  stall(): number {
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
      this.#stalled.add(client).add(upstream);
    }
    const n = this.#pairs.size;
    this.#pairs.clear();
    return n;
  }

  async close(): Promise<void> {
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    for (const s of this.#stalled) s.destroy();
    this.#server.close();
  }

  #forward(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const end = () => {
      this.#pairs.delete(pair);
      // A stalled connection stays open until close(): it must look alive to its peers.
      if (!this.#stalled.has(client)) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
