// A cap on the HTTP connections of the RPC port that a flood of idle sockets cannot use to lock
// everyone else out. Every local client shares 127.0.0.1, so neither a per-address cap nor reserved
// slots can tell a worker host from an attacker on the same machine; instead, when the cap is reached
// a new connection takes the place of one that is doing nothing for anybody: the least recently
// active connection with no request in progress (idle keep-alive, or headers still trickling in), or
// failing that one whose reply sits unread in our buffers. Only when every connection is computing
// an answer is the newcomer refused. WebSocket connections are counted elsewhere once upgraded.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface HttpConnectionLimiter {
  /** Connections counted as HTTP now. */
  readonly size: number;
  /** Stops counting a socket that was upgraded to a WebSocket (or refused as one). */
  release(socket: Duplex): void;
}

export interface TrackedConnection {
  /** Requests on this socket whose response has not finished (pipelining may make it > 1). */
  inFlight: number;
}

/** The connection to close so that a new one fits; undefined when every one is busy working. */
export function pickEviction<S extends { readonly writableLength: number }>(
  sockets: ReadonlyMap<S, TrackedConnection>,
): S | undefined {
  // Map order is least recently active first (see `touch`).
  let stalled: S | undefined;
  for (const [socket, { inFlight }] of sockets) {
    if (inFlight === 0) return socket;
    if (stalled === undefined && socket.writableLength > 0) stalled = socket;
  }
  return stalled;
}

export function limitHttpConnections(server: Server, max: number): HttpConnectionLimiter {
  const sockets = new Map<Duplex, TrackedConnection>();
  const touch = (socket: Duplex, tracked: TrackedConnection) => {
    sockets.delete(socket);
    sockets.set(socket, tracked);
  };

  server.on('connection', (socket: Duplex) => {
    if (sockets.size >= max) {
      const evicted = pickEviction(sockets);
      if (evicted === undefined) {
        socket.destroy();
        return;
      }
      sockets.delete(evicted);
      evicted.destroy();
    }
    sockets.set(socket, { inFlight: 0 });
    socket.once('close', () => sockets.delete(socket));
  });

  server.on('request', (req, res) => {
    const socket = req.socket;
    const tracked = sockets.get(socket);
    if (tracked === undefined) return;
    tracked.inFlight++;
    touch(socket, tracked);
    res.once('close', () => {
      tracked.inFlight--;
      if (sockets.has(socket)) touch(socket, tracked);
    });
  });

  return {
    get size() {
      return sockets.size;
    },
    release(socket) {
      sockets.delete(socket);
    },
  };
}
