// A loopback TCP proxy in front of one endpoint, for tests that cut a node off from etcd: the node
// is given proxies only, and the test cuts and restores them while the etcd members run on.
//
// What "cut" means to gRPC. etcd clients speak HTTP/2, where a call fails fast only when its
// connection does; the proxy therefore keeps listening while cut (so the port stays ours and the
// node's URL never changes) and either
// - 'reset' (default): resets every live connection and each new one as soon as it is accepted.
//   Calls fail at once with UNAVAILABLE, and a reconnecting client is refused at once too: a
//   deterministic outage, whose length the test controls. Not accepting at all would mean closing
//   the listener and giving the port up, which another test could then take.
// - 'blackhole': forwards nothing more in either direction and holds new connections open without
//   an answer, as a network partition does. Calls fail only on their deadline or keepalive, so a
//   test sees what the client does when nothing tells it the link is gone.
// Restoring resets the connections held by a black hole (their byte streams lost data, so they
// cannot be resumed); new connections are forwarded again.
import { connect, createServer, type Socket } from 'node:net';
import { NodeError } from '../../../errors.js';

export type CutMode = 'reset' | 'blackhole';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the client instead of the target. */
  readonly url: string;
  /** Cuts every connection and every new one, in the given way (see the file's comment). */
  cut(mode?: CutMode): void;
  /** Forwards new connections again (resetting those a black hole held). */
  restore(): void;
  /** Stops listening and resets every connection. */
  close(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  /** Absent while held by a black hole. */
  readonly upstream: Socket | undefined;
}

/** A proxy for `target`, an `http://host:port` URL (the scheme is kept in `url`). */
export async function createTcpProxy(target: string): Promise<TcpProxy> {
  const { protocol, hostname, port } = new URL(target);
  if (port === '')
    throw new NodeError('InvalidProxyTarget', `proxy target ${target} has no explicit port`, { target });
  let mode: CutMode | 'open' = 'open';
  const links = new Set<Link>();

  const reset = (link: Link): void => {
    links.delete(link);
    link.client.resetAndDestroy();
    link.upstream?.resetAndDestroy();
  };

  const hold = (client: Socket): void => {
    const link = { client, upstream: undefined };
    links.add(link);
    // Read and drop what the client sends, so it never sees back-pressure either.
    client.resume();
    client.on('error', () => links.delete(link));
    client.on('close', () => links.delete(link));
  };

  const forward = (client: Socket): void => {
    const upstream = connect(Number(port), hostname);
    const link = { client, upstream };
    links.add(link);
    const end = (): void => {
      if (!links.has(link)) return;
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server = createServer({ noDelay: true }, (client) => {
    // A reset can surface as an error on our side; the link is gone either way.
    client.on('error', () => {});
    if (mode === 'reset') client.resetAndDestroy();
    else if (mode === 'blackhole') hold(client);
    else forward(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('a TCP server has no port');

  return {
    url: `${protocol}//127.0.0.1:${address.port}`,
    cut(how = 'reset') {
      mode = how;
      for (const link of [...links]) {
        if (how === 'reset') reset(link);
        else if (link.upstream !== undefined) {
          // Stop forwarding both ways and drop whatever arrives from now on.
          link.client.unpipe(link.upstream);
          link.upstream.unpipe(link.client);
          link.client.resume();
          link.upstream.resume();
        }
      }
    },
    restore() {
      if (mode === 'blackhole') for (const link of [...links]) reset(link);
      mode = 'open';
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const link of [...links]) reset(link);
      await closed;
    },
  };
}
