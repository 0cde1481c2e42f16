// computation: the handlers of its JSON-RPC methods (schemas.ts), over its queries.
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { implement } from '../../codec/rpcSpec.js';
import type { ModuleRpcMethod, QueryContext } from '../api.js';
import {
  getAccruedReward,
  getComputationConfig,
  getLivenessTotals,
  getSession,
  listChallengesDue,
} from './queries.js';
import { computationRpc, DEFAULT_SESSION_PAGE, type SessionJson } from './schemas.js';
import { Sessions } from './storage.js';
import type { Session } from './types.js';

function sessionToJson(state: QueryContext['state'], worker: Uint8Array, session: Session): SessionJson {
  return {
    worker: toHex(worker),
    state: session.state,
    session: session.id,
    operator: encodeAddress(session.operator),
    startedAt: session.startedAt,
    pending: session.pending ?? null,
    lastChallengeBlock: session.lastChallengeBlock,
    lastHeartbeatBlock: session.lastHeartbeatBlock,
    strikes: session.strikes,
    misses: session.misses,
    contracts: session.contracts,
    weight: session.weight.toString(),
    rewards: session.rewards.toString(),
    accrued: (session.state === 'Idle' || session.state === 'Serving'
      ? getAccruedReward(state, session)
      : 0n
    ).toString(),
    cooldownEnds: session.state === 'CoolingDown' ? session.cooldownEnds : 0,
  };
}

/** Most entries one `listSessions` call reads when it filters by state (each is decoded). */
const MAX_SCAN = 2000;

export const computationRpcMethods: readonly ModuleRpcMethod[] = [
  implement(computationRpc.getSession, ({ state }: QueryContext, [worker]) => {
    const session = getSession(state, worker);
    return session === undefined ? null : sessionToJson(state, worker, session);
  }),

  implement(computationRpc.listSessions, ({ state, head, scan }: QueryContext, [filter]) => {
    const limit = filter?.limit ?? DEFAULT_SESSION_PAGE;
    let cursor = filter?.startAfter === undefined ? undefined : Sessions.keyOf(filter.startAfter);
    const sessions: SessionJson[] = [];
    let scanned = 0;
    let more = false;
    // Filtering by state may skip entries: read in chunks, up to MAX_SCAN entries, then hand back
    // a cursor so that one call stays bounded whatever the number of sessions.
    while (sessions.length < limit && scanned < MAX_SCAN) {
      const entries = scan(Sessions.prefix, cursor, Math.min(limit + 1, MAX_SCAN - scanned));
      if (entries.length === 0) break;
      for (const { key, value } of entries) {
        if (sessions.length === limit || scanned === MAX_SCAN) {
          more = true;
          break;
        }
        scanned += 1;
        cursor = Uint8Array.from(key);
        const session = Sessions.decodeValue(Uint8Array.from(value));
        if (filter?.state !== undefined && session.state !== filter.state) continue;
        sessions.push(sessionToJson(state, Sessions.decodeKey(cursor), session));
      }
      if (more || entries.length < Math.min(limit + 1, MAX_SCAN)) break;
    }
    if (!more && scanned === MAX_SCAN) more = scan(Sessions.prefix, cursor, 1).length > 0;
    return {
      sessions,
      next: more && cursor !== undefined ? toHex(Sessions.decodeKey(cursor)) : null,
      atBlock: head.number,
    };
  }),

  implement(computationRpc.getChallenges, ({ state, head }: QueryContext, [blockNumber]) => {
    const config = getComputationConfig(state);
    const block = blockNumber ?? head.number;
    const toJson = (entry: { worker: Uint8Array; session: number; block: number }) => ({
      worker: toHex(entry.worker),
      session: entry.session,
      block: entry.block,
      deadline: entry.block + config.heartbeatWindow,
    });
    // Open challenges are in the deadline buckets from the next block to head + window + 1.
    const pending = [];
    for (let at = head.number + 1; at <= head.number + config.heartbeatWindow + 1; at++) {
      for (const entry of listChallengesDue(state, at)) {
        const session = getSession(state, entry.worker);
        if (session?.id === entry.session && session.pending?.block === entry.block)
          pending.push(toJson(entry));
      }
    }
    const challenged =
      block + config.heartbeatWindow + 1 > head.number
        ? listChallengesDue(state, block + config.heartbeatWindow + 1)
            .filter((entry) => entry.block === block)
            .map(toJson)
        : [];
    return {
      atBlock: head.number,
      block,
      challenged,
      pending,
      inSession: getLivenessTotals(state).inSession,
      expectedHeartbeats: config.expectedHeartbeats,
    };
  }),
];
