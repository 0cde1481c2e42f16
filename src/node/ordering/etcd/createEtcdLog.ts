// The node's view of etcd: the few operations the etcd ordering needs, each one etcd request, over
// the `etcd3` client (gRPC, fails over between endpoints). It owns this node's two leases:
//   - the session lease (short, e.g. 2 s): the leader key and the node's card hang on it, so a
//     dead or cut-off node stops being proposer when it runs out;
//   - the pending lease (longer, e.g. 30 s): the extrinsics this node accepted hang on it, so they
//     outlive the node's death long enough for the next proposer to read them, and then go.
// A lost lease is replaced by a new one on the next call that needs it, and this node's pending
// extrinsics are written again under it. Nothing here decides anything about blocks: see
// createEtcdEngine.ts.
import { Etcd3, type Lease, type Watcher } from 'etcd3';
import type { Logger } from 'pino';
import { bytesToHex } from '../../../codec/bytes.js';
import { NodeError } from '../../errors.js';
import { decodeLogHead, type EtcdLayout, encodeLogHead, type LogHead, prefixEnd } from './etcdLayout.js';

export interface EtcdLogOptions {
  endpoints: readonly string[];
  layout: EtcdLayout;
  /** This node's name (its key segment). */
  name: string;
  sessionTtlSeconds: number;
  pendingTtlSeconds: number;
  /** Deadline of each unary call. */
  callTimeoutMs: number;
  logger: Logger;
}

/** What a node says about itself to the cluster (JSON under node/<name>). */
export interface NodeCard {
  name: string;
  rpcUrl?: string;
  authority: string;
}

export interface ControlState {
  head: LogHead | undefined;
  /** Proposer's name and the lease its key hangs on; undefined when nobody holds it. */
  leader: { name: string; lease: string } | undefined;
}

export interface AppendRequest {
  /** The head the block extends: the append succeeds only if the log's head is still this. */
  parent: LogHead;
  number: number;
  hash: Uint8Array;
  bytes: Uint8Array;
  /**
   * Log heights below this one are deleted in the same transaction (the retention window's tail; a
   * range, so that a proposer with a shorter window than the last one also clears what it left).
   */
  forgetBelow?: number;
}

export interface EtcdLog {
  readControl(): Promise<ControlState>;
  /** Blocks from..to (inclusive) still in the log, in height order; older ones may be gone. */
  readBlocks(from: number, to: number): Promise<{ number: number; bytes: Uint8Array }[]>;
  /** The compare-and-append: true when this block took the height, false when the head moved. */
  append(request: AppendRequest): Promise<{ appended: boolean; revision: number }>;
  /** Takes the leader key if nobody holds it; true when this node holds it afterwards. */
  campaign(): Promise<boolean>;
  /** Drops the leader key if this node holds it (clean stop: the next proposer needs no TTL wait). */
  resign(): Promise<void>;
  /** The session lease's id, once granted, and whether a keep-alive succeeded within its TTL. */
  session(): { lease: string | undefined; alive: boolean };
  /** Makes an extrinsic durable under this node's pending lease. */
  putPending(hash: Uint8Array, bytes: Uint8Array): Promise<void>;
  /**
   * Upkeep, once per step: replaces a lost lease (writing the card or the pending keys again under
   * the new one) and deletes the pending keys of extrinsics `isDone` says are done with.
   */
  tend(isDone: (bytes: Uint8Array) => boolean): Promise<number>;
  /**
   * Pending extrinsics written after `revision` (0: all), and the revision read at: every node's,
   * or every node's but this one's with `othersOnly` (a node's own are in its pool already).
   * They come one node's after another's in turn, each node's in key order.
   */
  readPendingSince(
    revision: number,
    limit: number,
    othersOnly?: boolean,
  ): Promise<{ extrinsics: Uint8Array[]; revision: number }>;
  register(card: NodeCard): Promise<void>;
  listNodes(): Promise<NodeCard[]>;
  /** Drops etcd's history before `revision` (the keys themselves stay). */
  compact(revision: number): Promise<void>;
  /**
   * Calls `listener` on any change under `prefix` (a hint: it carries nothing) until the returned
   * function cancels the watch.
   */
  watch(prefix: string, listener: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Least time between two grants of the same lease. */
const REGRANT_INTERVAL_MS = 1000;
/** Operations per transaction (pending writes, settled deletes): under etcd's default --max-txn-ops of 128. */
const OPS_PER_TXN = 100;

export function createEtcdLog(options: EtcdLogOptions): EtcdLog {
  const { layout, name, logger } = options;
  const client = new Etcd3({
    hosts: [...options.endpoints],
    dialTimeout: options.callTimeoutMs,
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + options.callTimeoutMs },
    grpcOptions: {
      // A read of BLOCKS_PER_READ blocks of up to ETCD_MAX_BLOCK_BYTES each must fit (grpc-js: 4 MiB).
      'grpc.max_receive_message_length': 32 * 1024 * 1024,
      // Reconnect soon after etcd comes back (grpc-js backs off up to 2 minutes by default).
      'grpc.max_reconnect_backoff_ms': 2000,
    },
  });

  // A lease is granted lazily and replaced when lost, at most once per REGRANT_INTERVAL_MS: with
  // etcd out of reach, a grant fails at once, and replacing it at once would spin.
  interface HeldLease {
    lease: Lease;
    id: Promise<string>;
    lastKeepAliveAt: number;
    lost: boolean;
  }
  let closed = false;
  const watchers = new Set<Watcher>();
  const held: HeldLease[] = [];
  const holdLease = (ttl: number, what: string): (() => HeldLease) => {
    let current: HeldLease | undefined;
    let grantedAt = 0;
    return () => {
      if (current && !current.lost) return current;
      if (Date.now() - grantedAt < REGRANT_INTERVAL_MS) {
        throw new NodeError('EtcdUnavailable', `the ${what} lease was lost; a new one is asked for shortly`);
      }
      grantedAt = Date.now();
      const lease = client.lease(ttl, { autoKeepAlive: true });
      const next: HeldLease = { lease, id: lease.grant(), lastKeepAliveAt: Date.now(), lost: false };
      next.id.catch(() => {}); // a failed grant is reported through 'lost'
      lease.on('keepaliveSucceeded', () => {
        next.lastKeepAliveAt = Date.now();
      });
      lease.on('lost', (error) => {
        next.lost = true;
        if (!closed) logger.warn({ err: error, lease: what }, 'etcd lease lost; a new one will be granted');
      });
      current = next;
      held.push(next);
      if (held.length > 8) held.shift(); // a lost lease needs no release: close() wants the current two
      return next;
    };
  };

  let card: NodeCard | undefined;
  const ownPending = new Map<string, Uint8Array>();
  const sessionLease = holdLease(options.sessionTtlSeconds, 'session');
  const pendingLease = holdLease(options.pendingTtlSeconds, 'pending');
  let lastSessionId: string | undefined;
  // The pending lease this node's pending keys were last written under: a new lease means the
  // keys went with the old one, so they are written again.
  let pendingWrittenUnder: string | undefined;

  const pendingId = async (): Promise<string> => {
    const id = await pendingLease().id;
    if (id !== pendingWrittenUnder) {
      for (const [hashHex, bytes] of ownPending) {
        await client
          .put(`${layout.pendingOf(name)}${hashHex}`)
          .value(Buffer.from(bytes))
          .lease(id);
      }
      pendingWrittenUnder = id;
    }
    return id;
  };

  // Pending writes that arrive while one is in flight go out together in the next transaction: one
  // etcd round trip (a Raft commit) for many extrinsics, instead of one each.
  interface QueuedWrite {
    hashHex: string;
    bytes: Uint8Array;
    resolve: () => void;
    reject: (error: unknown) => void;
  }
  const writeQueue: QueuedWrite[] = [];
  let writing = false;
  const writePending = async (): Promise<void> => {
    writing = true;
    try {
      while (writeQueue.length > 0) {
        const batch = writeQueue.splice(0, OPS_PER_TXN);
        try {
          const lease = await pendingId();
          await client.kv.txn({
            success: batch.map(({ hashHex, bytes }) => ({
              request_put: {
                key: Buffer.from(`${layout.pendingOf(name)}${hashHex}`),
                value: Buffer.from(bytes),
                lease,
              },
            })),
          });
          for (const write of batch) {
            ownPending.set(write.hashHex, write.bytes);
            write.resolve();
          }
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  };

  const sessionId = async (): Promise<string> => {
    const id = await sessionLease().id;
    if (id !== lastSessionId) {
      lastSessionId = id;
      // A new session: the card went with the old one.
      if (card) await client.put(layout.nodeKey(name)).value(JSON.stringify(card)).lease(id);
    }
    return id;
  };

  const log: EtcdLog = {
    async readControl() {
      const response = await client.getAll().prefix(layout.control).exec();
      let head: LogHead | undefined;
      let leader: ControlState['leader'];
      for (const kv of response.kvs) {
        const key = kv.key.toString();
        if (key === layout.head) head = decodeLogHead(kv.value);
        else if (key === layout.leader) leader = { name: kv.value.toString(), lease: String(kv.lease) };
      }
      return { head, leader };
    },

    async readBlocks(from, to) {
      if (to < from) return [];
      const response = await client
        .getAll()
        .inRange({ start: layout.block(from), end: layout.block(to + 1) })
        .sort('Key', 'Ascend')
        .exec();
      return response.kvs.map((kv) => ({
        number: layout.numberOfBlockKey(kv.key.toString()),
        bytes: new Uint8Array(kv.value),
      }));
    },

    async append(request) {
      const first = request.parent.number === 0;
      // Block 1 goes onto a log with no head yet; every later block onto exactly its parent.
      const txn = first
        ? client.if(layout.head, 'Create', '==', 0)
        : client.if(layout.head, 'Value', '==', encodeLogHead(request.parent));
      const puts = [
        client.put(layout.block(request.number)).value(Buffer.from(request.bytes)),
        client.put(layout.head).value(encodeLogHead({ number: request.number, hash: request.hash })),
        ...(request.forgetBelow === undefined
          ? []
          : [client.delete().inRange({ start: layout.blocks, end: layout.block(request.forgetBelow) })]),
      ];
      const response = await txn.then(...puts).commit();
      return { appended: response.succeeded, revision: Number(response.header.revision) };
    },

    async campaign() {
      const lease = await sessionId();
      const response = await client
        .if(layout.leader, 'Create', '==', 0)
        .then(client.put(layout.leader).value(name).lease(lease))
        .else(client.get(layout.leader))
        .commit();
      if (response.succeeded) return true;
      const current = response.responses[0]?.response_range?.kvs[0];
      return current !== undefined && current.value.toString() === name && String(current.lease) === lease;
    },

    async resign() {
      const lease = lastSessionId;
      if (lease === undefined) return;
      await client.if(layout.leader, 'Lease', '==', lease).then(client.delete().key(layout.leader)).commit();
    },

    session() {
      const held = sessionLease();
      return {
        lease: lastSessionId,
        alive:
          lastSessionId !== undefined &&
          !held.lost &&
          Date.now() - held.lastKeepAliveAt < options.sessionTtlSeconds * 1000,
      };
    },

    putPending(hash, bytes) {
      return new Promise<void>((resolve, reject) => {
        writeQueue.push({ hashHex: bytesToHex(hash), bytes, resolve, reject });
        // Not at once: the other submissions of this turn (an RPC batch's) join the first write.
        if (!writing) {
          writing = true;
          setImmediate(() => void writePending());
        }
      });
    },

    async tend(isDone) {
      await sessionId();
      await pendingId();
      const done = [...ownPending].filter(([, bytes]) => isDone(bytes)).map(([hashHex]) => hashHex);
      for (let start = 0; start < done.length; start += OPS_PER_TXN) {
        const batch = done.slice(start, start + OPS_PER_TXN);
        // A transaction without compares: the deletes apply together, in one request.
        await client.kv.txn({
          success: batch.map((hashHex) => ({
            request_delete_range: { key: Buffer.from(`${layout.pendingOf(name)}${hashHex}`) },
          })),
        });
        for (const hashHex of batch) ownPending.delete(hashHex);
      }
      return done.length;
    },

    async readPendingSince(revision, limit, othersOnly = false) {
      // Per node, in key order; handed out interleaved (see below).
      const byNode = new Map<string, Uint8Array[]>();
      let count = 0;
      let readAt = 0;
      const ranges = othersOnly
        ? layout.pendingOfOthers(name)
        : [{ start: layout.pending, end: prefixEnd(layout.pending) }];
      // Paged by key, all pages (of all ranges) at the revision of the first, so that nothing
      // written meanwhile is skipped: the next call starts after that revision.
      for (const range of ranges) {
        let start = range.start;
        while (count < limit) {
          const builder = client
            .getAll()
            .inRange({ start, end: range.end })
            .sort('Key', 'Ascend')
            .limit(limit - count);
          if (revision > 0) builder.minModRevision(revision + 1);
          if (readAt > 0) builder.revision(readAt);
          const response = await builder.exec();
          if (readAt === 0) readAt = Number(response.header.revision);
          for (const kv of response.kvs) {
            const node = kv.key.toString().slice(layout.pending.length).split('/', 1)[0]!;
            const list = byNode.get(node) ?? [];
            list.push(new Uint8Array(kv.value));
            byNode.set(node, list);
            count++;
          }
          const last = response.kvs.at(-1);
          if (!response.more || !last) break;
          start = `${last.key.toString()}\0`;
        }
      }
      // One of each node's in turn: a proposer that admits only the first part (its time budget,
      // a full pool) then takes from every node alike, not from the names that sort first.
      const extrinsics: Uint8Array[] = [];
      const lists = [...byNode.values()];
      for (let i = 0; extrinsics.length < count; i++) {
        for (const list of lists) if (i < list.length) extrinsics.push(list[i]!);
      }
      return { extrinsics, revision: readAt };
    },

    async register(next) {
      card = next;
      lastSessionId = undefined; // forces sessionId() to write the card
      await sessionId();
    },

    async listNodes() {
      const entries = await client.getAll().prefix(layout.nodes).strings();
      const cards: NodeCard[] = [];
      for (const value of Object.values(entries)) {
        try {
          const parsed = JSON.parse(value) as Partial<NodeCard>;
          if (typeof parsed.name === 'string' && typeof parsed.authority === 'string') {
            cards.push({
              name: parsed.name,
              authority: parsed.authority,
              ...(typeof parsed.rpcUrl === 'string' ? { rpcUrl: parsed.rpcUrl } : {}),
            });
          }
        } catch {
          // another program's key under our prefix: not a node
        }
      }
      return cards.sort((a, b) => a.name.localeCompare(b.name));
    },

    async compact(revision) {
      await client.kv.compact({ revision });
    },

    async watch(prefix, listener) {
      const watcher = await client.watch().prefix(prefix).create();
      watchers.add(watcher);
      watcher.on('put', listener);
      watcher.on('delete', listener);
      // After a reconnect, events in between may be lost: tell the listener too.
      watcher.on('connected', listener);
      watcher.on('error', (error) => logger.debug({ err: error }, 'etcd watch error'));
      return async () => {
        watchers.delete(watcher);
        await watcher.cancel();
      };
    },

    async close() {
      // The session lease goes (our card and leader key at once); the pending lease is left to run
      // out, so that what this node accepted stays readable by the next proposer.
      closed = true;
      // Cancel watches first: a watch whose stream the close breaks would schedule a reconnect.
      await Promise.all([...watchers].map((watcher) => watcher.cancel().catch(() => {})));
      for (const { lease } of held) lease.release();
      const session = lastSessionId;
      if (session !== undefined) await client.leaseClient.leaseRevoke({ ID: session }).catch(() => {});
      client.close();
    },
  };
  return log;
}
