// computation: its JSON-RPC methods as the node serves them and the client calls them (specs and
// result shapes). Shared with the client and the worker: imports only src/codec.
import { z } from 'zod';
import { defineRpcSpec, optionalRpcParam, rpcParam } from '../../codec/rpcSpec.js';
import { BlockNumberSchema, DecimalSchema, Hash32Schema, PublicKeyInputSchema } from '../../codec/rpcWire.js';
import { SESSION_STATES } from './types.js';

export const SessionJsonSchema = z.object({
  worker: Hash32Schema,
  state: z.enum(SESSION_STATES),
  session: z.number().int().min(0),
  /** Operator address (phx1...). */
  operator: z.string(),
  startedAt: BlockNumberSchema,
  /** The open challenge, if any: answerable in blocks up to `deadline`. */
  pending: z.object({ block: BlockNumberSchema, deadline: BlockNumberSchema }).nullable(),
  lastChallengeBlock: BlockNumberSchema,
  /** 0: no heartbeat yet in this session. */
  lastHeartbeatBlock: BlockNumberSchema,
  strikes: z.number().int().min(0),
  misses: z.number().int().min(0),
  contracts: z.number().int().min(0),
  weight: DecimalSchema,
  /** Rewards paid in this session, and accrued since the last heartbeat (paid with the next one). */
  rewards: DecimalSchema,
  accrued: DecimalSchema,
  /** Block at which a cool-down ends (CoolingDown only; 0 otherwise). */
  cooldownEnds: BlockNumberSchema,
});
export type SessionJson = z.infer<typeof SessionJsonSchema>;

export const SessionPageJsonSchema = z.object({
  sessions: z.array(SessionJsonSchema),
  /** Pass as `startAfter` for the next page; null when nothing follows. */
  next: Hash32Schema.nullable(),
  atBlock: BlockNumberSchema,
});
export type SessionPageJson = z.infer<typeof SessionPageJsonSchema>;

const ChallengeJsonSchema = z.object({
  worker: Hash32Schema,
  session: z.number().int().min(0),
  block: BlockNumberSchema,
  deadline: BlockNumberSchema,
});

export const ChallengesJsonSchema = z.object({
  atBlock: BlockNumberSchema,
  /** The block asked about (default: the best block). */
  block: BlockNumberSchema,
  /** Workers challenged at `block` whose deadline is still ahead (settled ones are in the events). */
  challenged: z.array(ChallengeJsonSchema),
  /** Every challenge still open at the best block, by deadline. */
  pending: z.array(ChallengeJsonSchema),
  /** Workers in a session now, and the expected challenges per block. */
  inSession: z.number().int().min(0),
  expectedHeartbeats: z.number().int().min(0),
});
export type ChallengesJson = z.infer<typeof ChallengesJsonSchema>;

/** Largest and default page of `computation_listSessions`. */
export const MAX_SESSION_PAGE = 500;
export const DEFAULT_SESSION_PAGE = 100;

export const computationRpc = {
  getSession: defineRpcSpec({
    name: 'computation_getSession',
    summary: "A worker's session at the best block (null if it never started one).",
    params: [rpcParam('worker', PublicKeyInputSchema, 'Worker identity pubkey (0x-hex).')],
    result: { name: 'session', schema: SessionJsonSchema.nullable(), description: 'Session or null.' },
  }),
  listSessions: defineRpcSpec({
    name: 'computation_listSessions',
    summary: `Sessions at the best block in worker-key order, optionally of one state, one page (default ${DEFAULT_SESSION_PAGE}) at a time.`,
    params: [
      optionalRpcParam(
        'filter',
        z.strictObject({
          state: z.enum(SESSION_STATES).optional(),
          startAfter: PublicKeyInputSchema.optional(),
          limit: z.number().int().min(1).max(MAX_SESSION_PAGE).optional(),
        }),
        `{ state?, startAfter?: worker (the previous page's \`next\`), limit?: 1..${MAX_SESSION_PAGE} }.`,
      ),
    ],
    result: { name: 'page', schema: SessionPageJsonSchema, description: 'Sessions and the next cursor.' },
  }),
  getChallenges: defineRpcSpec({
    name: 'computation_getChallenges',
    summary:
      'Workers challenged at a block (default: the best) and every challenge still open, with deadlines.',
    params: [optionalRpcParam('blockNumber', BlockNumberSchema, 'Block number (default: the best block).')],
    result: { name: 'challenges', schema: ChallengesJsonSchema, description: 'Challenges.' },
  }),
} as const;
