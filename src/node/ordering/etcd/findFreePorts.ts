// Loopback ports for locally started etcd members and nodes (the devnet, the test clusters): probed
// by binding, so a taken port is found before a child fails on it. Another process may still take a
// port between the probe and the child's bind: the devnet's wait for the child then names the port,
// and startEtcdCluster retries on "address already in use".
import { createServer, type Server } from 'node:net';

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('a TCP server has no port');
  return address.port;
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
}

/** `count` distinct free loopback ports: all bound at once on port 0 (so they differ), then released. */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listen(server, 0));
    }
    return ports;
  } finally {
    await closeAll(servers);
  }
}

/** The first of `ports` that cannot be bound on 127.0.0.1 now (in use), or undefined if all can. */
export async function findTakenPort(ports: readonly number[]): Promise<number | undefined> {
  for (const port of ports) {
    const server = createServer();
    try {
      await listen(server, port);
    } catch {
      return port;
    } finally {
      await closeAll([server]);
    }
  }
  return undefined;
}
