import net from 'node:net';

/**
 * A TCP forwarder between a store and PostgreSQL that a test can break: `cut` refuses and resets
 * connections (a database that is down), `silence` keeps them open but passes nothing (a network
 * that stops answering), `restore` brings it back on the same port.
 */
export class DatabaseProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #silent = false;
  port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  static async start(databaseUrl: string): Promise<DatabaseProxy> {
    const url = new URL(databaseUrl);
    const proxy = new DatabaseProxy({ host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) });
    await proxy.#listen();
    return proxy;
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  silence(): void {
    this.#silent = true;
  }

  async restore(): Promise<void> {
    if (this.#silent) {
      // Whatever was said into the silence is lost: those connections cannot carry on.
      this.#silent = false;
      this.#dropConnections();
    }
    if (!this.#server) await this.#listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  #dropConnections() {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async #listen() {
    const server = net.createServer((client) => this.#forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  #forward(client: net.Socket) {
    this.#track(client);
    if (this.#silent) return;
    const upstream = net.connect(this.#target.port, this.#target.host);
    this.#track(upstream);
    const relay = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (!this.#silent) to.write(chunk);
      });
    relay(client, upstream);
    relay(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  #track(socket: net.Socket) {
    this.#sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
