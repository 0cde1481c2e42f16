// Every JSON-RPC method the node serves (DESIGN.md section 9). Names follow `module_verbNoun`.
// Unknown blocks give `null` rather than an error: "not (yet) there" is an answer, not a fault.
import { z } from 'zod';
import { ADDRESS_PREFIX, decodeAddress, isAddress } from '../../codec/address.js';
import { hexToBytes, toHex } from '../../codec/bytes.js';
import {
  AccountJsonSchema,
  BlockEventsJsonSchema,
  BlockJsonSchema,
  BlockNumberSchema,
  ChainPropertiesJsonSchema,
  GatekeepersJsonSchema,
  Hash32Schema,
  HealthJsonSchema,
  PolicyInfoJsonSchema,
  SignedHeaderJsonSchema,
  StorageEntriesJsonSchema,
  StorageJsonSchema,
  WorkerJsonSchema,
  WorkerPageJsonSchema,
} from '../../codec/rpcWire.js';
import { getGatekeepers, getMasterPubkey } from '../../runtime/gatekeeper/queries.js';
import { getPolicy, getWorker, listWorkers } from '../../runtime/registry/queries.js';
import { buildOpenRpcDocument } from './buildOpenRpcDocument.js';
import { defineMethod, type MethodContext, param, type RpcMethod } from './defineMethod.js';
import { readAccount } from './readAccount.js';
import { readHeadState } from './readHeadState.js';
import { blockEventsToJson, blockToJson, signedHeaderToJson, storageToJson } from './toJson.js';
import { policyToJson, trustsNonIntelRoot, workerToJson } from './workerToJson.js';

// Inputs are accepted in either hex case; outputs are always lowercase.
const HexInput = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-prefixed hex');
const Hash32Input = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x-hex hash');
const AddressInput = z.string().refine(isAddress, `expected a ${ADDRESS_PREFIX}1... address`);

/** Largest page `state_getKeysPaged` returns, so one request cannot ask for all of state. */
export const MAX_STORAGE_PAGE = 1000;
/** Largest and default page of `registry_listWorkers` (each entry is decoded, so pages stay small). */
export const MAX_WORKER_PAGE = 500;
export const DEFAULT_WORKER_PAGE = 100;

// A worker is named by its identity key, as 0x-hex or in the phx1... address form of the same bytes.
const PubkeyInput = z
  .string()
  .refine(
    (text) => /^0x[0-9a-fA-F]{64}$/.test(text) || isAddress(text),
    'expected a 32-byte 0x-hex pubkey or a phx1... address',
  )
  .transform((text) => (text.startsWith('0x') ? hexToBytes(text) : decodeAddress(text)));

const WorkerPageInput = z.strictObject({
  startAfter: PubkeyInput.optional(),
  limit: z.number().int().min(1).max(MAX_WORKER_PAGE).optional(),
});

function blockHashOrHead(ctx: MethodContext, hash: string | undefined): Uint8Array {
  return hash === undefined ? ctx.chain.head().hash : hexToBytes(hash);
}

const hashParam = param('hash', Hash32Input.optional(), 'Block hash; the best block when omitted.', false);

export const rpcMethods: readonly RpcMethod[] = [
  defineMethod({
    name: 'chain_getHeader',
    summary: 'The signed header of a block, or null for an unknown hash.',
    params: [hashParam],
    result: {
      name: 'header',
      schema: SignedHeaderJsonSchema.nullable(),
      description: 'Hash, header, signature.',
    },
    run(ctx, [hash]) {
      const blockHash = blockHashOrHead(ctx, hash);
      const block = ctx.chain.getBlock(blockHash);
      return block ? signedHeaderToJson(blockHash, block) : null;
    },
  }),
  defineMethod({
    name: 'chain_getBlock',
    summary: 'A block, SCALE-encoded and as JSON, with each extrinsic hash and outcome; null if unknown.',
    params: [hashParam],
    result: { name: 'block', schema: BlockJsonSchema.nullable(), description: 'The block.' },
    run(ctx, [hash]) {
      const blockHash = blockHashOrHead(ctx, hash);
      const block = ctx.chain.getBlock(blockHash);
      return block ? blockToJson(blockHash, block, ctx.chain.getOutcomes(blockHash)) : null;
    },
  }),
  defineMethod({
    name: 'chain_getBlockHash',
    summary: 'The hash of the block at a height (the best block when omitted), or null above the head.',
    params: [param('number', BlockNumberSchema.optional(), 'Block number.', false)],
    result: { name: 'hash', schema: Hash32Schema.nullable(), description: 'Block hash.' },
    run(ctx, [number]) {
      if (number === undefined) return toHex(ctx.chain.head().hash);
      const hash = ctx.chain.getBlockHash(number);
      return hash ? toHex(hash) : null;
    },
  }),
  defineMethod({
    name: 'chain_getEvents',
    summary: 'The events a block emitted, or null for an unknown hash.',
    params: [hashParam],
    result: { name: 'events', schema: BlockEventsJsonSchema.nullable(), description: 'Events of the block.' },
    run(ctx, [hash]) {
      const blockHash = blockHashOrHead(ctx, hash);
      const block = ctx.chain.getBlock(blockHash);
      const events = ctx.chain.getEvents(blockHash);
      return block && events ? blockEventsToJson(blockHash, block.header.number, events) : null;
    },
  }),
  defineMethod({
    name: 'chain_subscribeNewHeads',
    summary: 'WebSocket only: notifies `chain_newHead` with { hash, header, signature } for each new block.',
    params: [],
    result: { name: 'subscription', schema: z.string(), description: 'Subscription id.' },
    transport: 'websocket',
    run: (ctx) => ctx.session!.subscribe('newHeads'),
  }),
  defineMethod({
    name: 'chain_unsubscribeNewHeads',
    summary: 'WebSocket only: ends a `chain_subscribeNewHeads` subscription.',
    params: [param('subscription', z.string(), 'Subscription id.')],
    result: { name: 'removed', schema: z.boolean(), description: 'False if there was no such subscription.' },
    transport: 'websocket',
    run: (ctx, [id]) => ctx.session!.unsubscribe('newHeads', id),
  }),
  defineMethod({
    name: 'chain_subscribeEvents',
    summary: 'WebSocket only: notifies `chain_events` with { blockHash, number, events } for each new block.',
    params: [],
    result: { name: 'subscription', schema: z.string(), description: 'Subscription id.' },
    transport: 'websocket',
    run: (ctx) => ctx.session!.subscribe('events'),
  }),
  defineMethod({
    name: 'chain_unsubscribeEvents',
    summary: 'WebSocket only: ends a `chain_subscribeEvents` subscription.',
    params: [param('subscription', z.string(), 'Subscription id.')],
    result: { name: 'removed', schema: z.boolean(), description: 'False if there was no such subscription.' },
    transport: 'websocket',
    run: (ctx, [id]) => ctx.session!.unsubscribe('events', id),
  }),
  defineMethod({
    name: 'state_getStorage',
    summary:
      'A storage value with its Merkle proof against the state root of a block; null if the block is unknown.',
    params: [param('key', HexInput, 'Storage key.'), hashParam],
    result: {
      name: 'storage',
      schema: StorageJsonSchema.nullable(),
      description: 'Value (null if absent) and proof.',
    },
    run(ctx, [key, hash]) {
      const result = ctx.chain.getStorage(hexToBytes(key), hash === undefined ? undefined : hexToBytes(hash));
      return result ? storageToJson(result) : null;
    },
  }),
  defineMethod({
    name: 'state_getKeysPaged',
    summary: 'Storage entries under a key prefix at the best block, in key order, one page at a time.',
    params: [
      param('prefix', HexInput, 'Key prefix.'),
      param(
        'limit',
        z.number().int().min(1).max(MAX_STORAGE_PAGE),
        `Page size, at most ${MAX_STORAGE_PAGE}.`,
      ),
      param('startAfter', HexInput.optional(), 'Last key of the previous page.', false),
    ],
    result: { name: 'entries', schema: StorageEntriesJsonSchema, description: 'Keys and values.' },
    run(ctx, [prefix, limit, startAfter]) {
      const entries = ctx.chain.listStorage(
        hexToBytes(prefix),
        startAfter === undefined ? undefined : hexToBytes(startAfter),
        limit,
      );
      return entries.map(({ key, value }) => ({ key: toHex(key), value: toHex(value) }));
    },
  }),
  defineMethod({
    name: 'author_submitExtrinsic',
    summary:
      'Validates a signed extrinsic and queues it for a block; errors name the invalid-transaction code.',
    params: [param('extrinsic', HexInput, 'SCALE-encoded signed extrinsic.')],
    result: { name: 'hash', schema: Hash32Schema, description: 'Extrinsic hash.' },
    run: (ctx, [extrinsic]) => toHex(ctx.chain.submitExtrinsic(hexToBytes(extrinsic))),
  }),
  defineMethod({
    name: 'system_health',
    summary: 'Sync state, peers, pool size and the best block.',
    params: [],
    result: { name: 'health', schema: HealthJsonSchema, description: 'Node health.' },
    run(ctx) {
      const health = ctx.chain.health();
      return { ...health, bestHash: toHex(ctx.chain.head().hash) };
    },
  }),
  defineMethod({
    name: 'system_chain',
    summary: "The chain's name.",
    params: [],
    result: { name: 'chain', schema: z.string(), description: 'Chain name.' },
    run: (ctx) => ctx.chain.chainName,
  }),
  defineMethod({
    name: 'system_properties',
    summary: 'Chain name, genesis hash (signed into every extrinsic) and address prefix.',
    params: [],
    result: { name: 'properties', schema: ChainPropertiesJsonSchema, description: 'Chain properties.' },
    run: (ctx) => ({
      chain: ctx.chain.chainName,
      genesisHash: toHex(ctx.chain.genesisHash),
      addressPrefix: ADDRESS_PREFIX,
    }),
  }),
  defineMethod({
    name: 'balances_getAccount',
    summary: "An account's nonce and balances at the best block (zero for an unknown account).",
    params: [param('address', AddressInput, 'Account address.')],
    result: { name: 'account', schema: AccountJsonSchema, description: 'Account.' },
    run: (ctx, [address]) => readAccount(ctx.chain, address),
  }),
  defineMethod({
    name: 'registry_getWorker',
    summary:
      'A registered worker (state, operator, attestation facts, benchmark) at the best block; null if unknown.',
    params: [param('pubkey', PubkeyInput, "The worker's identity key (0x-hex, or its phx1... form).")],
    result: { name: 'worker', schema: WorkerJsonSchema.nullable(), description: 'The worker.' },
    run(ctx, [pubkey]) {
      const state = readHeadState(ctx.chain);
      const view = getWorker(state, pubkey);
      return view ? workerToJson(view, trustsNonIntelRoot(getPolicy(state))) : null;
    },
  }),
  defineMethod({
    name: 'registry_listWorkers',
    summary: `Registered workers at the best block, in pubkey order, one page (default ${DEFAULT_WORKER_PAGE}) at a time.`,
    params: [
      param(
        'page',
        WorkerPageInput.optional(),
        `{ startAfter?: pubkey (the previous page's \`next\`), limit?: 1..${MAX_WORKER_PAGE} }.`,
        false,
      ),
    ],
    result: {
      name: 'page',
      schema: WorkerPageJsonSchema,
      description: 'Workers, the cursor of the next page (null on the last) and the block read.',
    },
    run(ctx, [page]) {
      const limit = page?.limit ?? DEFAULT_WORKER_PAGE;
      const state = readHeadState(ctx.chain);
      const simInsecure = trustsNonIntelRoot(getPolicy(state));
      const listing = listWorkers();
      const startAfter = page?.startAfter === undefined ? undefined : listing.keyOf(page.startAfter);
      // One entry more than asked tells whether another page follows.
      const entries = ctx.chain.listStorage(listing.prefix, startAfter, limit + 1);
      const workers = entries
        .slice(0, limit)
        .map(({ key, value }) => workerToJson(listing.decode(state, key, value), simInsecure));
      return {
        workers,
        next: entries.length > limit ? (workers.at(-1)?.pubkey ?? null) : null,
        atBlock: ctx.chain.head().signed.header.number,
      };
    },
  }),
  defineMethod({
    name: 'registry_getPolicy',
    summary:
      'The attestation policy at the best block, in the JSON form `tx registry set-policy --file` takes, with its hash and roots.',
    params: [],
    result: { name: 'policy', schema: PolicyInfoJsonSchema, description: 'Policy, hash, root subjects.' },
    run(ctx) {
      const policy = getPolicy(readHeadState(ctx.chain));
      // Genesis always writes a policy: a node without one is not running this runtime.
      if (policy === undefined) throw new Error('registry.Policy is missing from the best state');
      return policyToJson(policy);
    },
  }),
  defineMethod({
    name: 'gatekeeper_getGatekeepers',
    summary: 'The gatekeeper set at the best block and the network master public key (null until published).',
    params: [],
    result: {
      name: 'gatekeepers',
      schema: GatekeepersJsonSchema,
      description: 'Gatekeepers and master key.',
    },
    run(ctx) {
      const state = readHeadState(ctx.chain);
      const master = getMasterPubkey(state);
      return {
        gatekeepers: getGatekeepers(state).map(toHex),
        masterPubkey: master === undefined ? null : toHex(master),
      };
    },
  }),
  defineMethod({
    name: 'rpc.discover',
    summary: 'This API as an OpenRPC 1.2 document.',
    params: [],
    result: {
      name: 'openrpc',
      schema: z.looseObject({ openrpc: z.string() }),
      description: 'OpenRPC document.',
    },
    run: () => buildOpenRpcDocument(rpcMethods),
  }),
];

export const rpcMethodsByName: ReadonlyMap<string, RpcMethod> = new Map(rpcMethods.map((m) => [m.name, m]));
