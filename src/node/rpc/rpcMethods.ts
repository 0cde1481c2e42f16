// The methods the node serves: its own (blocks, state, submission, the node: specs in
// src/codec/nodeRpc.ts) and every runtime module's (`rpc` of each module in src/runtime/modules.ts),
// validated, dispatched and documented from the same specs. A module's handler gets a QueryContext
// over the best block, never the node: a new module's methods need no edit here.
import { ADDRESS_PREFIX, decodeAddress } from '../../codec/address.js';
import { hexToBytes, toHex } from '../../codec/bytes.js';
import { nodeRpc } from '../../codec/nodeRpc.js';
import { implement, type RpcSpec } from '../../codec/rpcSpec.js';
import type { QueryContext } from '../../runtime/api.js';
import { MODULES } from '../../runtime/modules.js';
import type { RuntimeModule } from '../../runtime/support/module.js';
import { getNonce } from '../../runtime/system/queries.js';
import type { ChainService } from '../chainService.js';
import { NodeError } from '../errors.js';
import { buildOpenRpcDocument } from './buildOpenRpcDocument.js';
import type { MethodContext, RpcMethod, RpcMethodTable } from './methodContext.js';
import { readHeadState } from './readHeadState.js';
import { blockEventsToJson, blockToJson, signedHeaderToJson, storageToJson } from './toJson.js';

function blockHashOrHead(ctx: MethodContext, hash: string | undefined): Uint8Array {
  return hash === undefined ? ctx.chain.head().hash : hexToBytes(hash);
}

/** The node's own methods, but `rpc.discover`, which documents the whole table. */
const nodeMethods: readonly RpcMethod[] = [
  implement(nodeRpc.getHeader, (ctx: MethodContext, [hash]) => {
    const blockHash = blockHashOrHead(ctx, hash);
    const block = ctx.chain.getBlock(blockHash);
    return block ? signedHeaderToJson(blockHash, block) : null;
  }),
  implement(nodeRpc.getBlock, (ctx: MethodContext, [hash]) => {
    const blockHash = blockHashOrHead(ctx, hash);
    const block = ctx.chain.getBlock(blockHash);
    return block ? blockToJson(blockHash, block, ctx.chain.getOutcomes(blockHash)) : null;
  }),
  implement(nodeRpc.getBlockHash, (ctx: MethodContext, [number]) => {
    if (number === undefined) return toHex(ctx.chain.head().hash);
    const hash = ctx.chain.getBlockHash(number);
    return hash ? toHex(hash) : null;
  }),
  implement(nodeRpc.getEvents, (ctx: MethodContext, [hash]) => {
    const blockHash = blockHashOrHead(ctx, hash);
    const block = ctx.chain.getBlock(blockHash);
    const events = ctx.chain.getEvents(blockHash);
    return block && events ? blockEventsToJson(blockHash, block.header.number, events) : null;
  }),
  implement(nodeRpc.subscribeNewHeads, (ctx: MethodContext) => ctx.session!.subscribe('newHeads')),
  implement(nodeRpc.unsubscribeNewHeads, (ctx: MethodContext, [id]) =>
    ctx.session!.unsubscribe('newHeads', id),
  ),
  implement(nodeRpc.subscribeEvents, (ctx: MethodContext) => ctx.session!.subscribe('events')),
  implement(nodeRpc.unsubscribeEvents, (ctx: MethodContext, [id]) => ctx.session!.unsubscribe('events', id)),
  implement(nodeRpc.getStorage, (ctx: MethodContext, [key, hash]) => {
    const result = ctx.chain.getStorage(hexToBytes(key), hash === undefined ? undefined : hexToBytes(hash));
    return result ? storageToJson(result) : null;
  }),
  implement(nodeRpc.getKeysPaged, (ctx: MethodContext, [prefix, limit, startAfter]) => {
    const entries = ctx.chain.listStorage(
      hexToBytes(prefix),
      startAfter === undefined ? undefined : hexToBytes(startAfter),
      limit,
    );
    return entries.map(({ key, value }) => ({ key: toHex(key), value: toHex(value) }));
  }),
  implement(nodeRpc.submitExtrinsic, async (ctx: MethodContext, [extrinsic]) =>
    toHex(await ctx.chain.submitExtrinsic(hexToBytes(extrinsic))),
  ),
  implement(nodeRpc.health, (ctx: MethodContext) => {
    const health = ctx.chain.health();
    return { ...health, bestHash: toHex(ctx.chain.head().hash) };
  }),
  implement(nodeRpc.nodes, (ctx: MethodContext) => ctx.chain.clusterNodes?.() ?? []),
  implement(nodeRpc.chain, (ctx: MethodContext) => ctx.chain.chainName),
  implement(nodeRpc.properties, (ctx: MethodContext) => ({
    chain: ctx.chain.chainName,
    genesisHash: toHex(ctx.chain.genesisHash),
    addressPrefix: ADDRESS_PREFIX,
  })),
  implement(nodeRpc.accountNextIndex, (ctx: MethodContext, [address]) => {
    // The pool knows what waits, the state what is done: two quick transactions of one account
    // (two CLI calls, two workers of one operator) then take consecutive nonces.
    const who = decodeAddress(address);
    return ctx.chain.nextNonce(who, getNonce(readHeadState(ctx.chain), who));
  }),
];

/** The best block's state, number and hash, and a scan over it: all a module's handler may read. */
function queryContextOf(chain: ChainService): QueryContext {
  const { hash, signed } = chain.head();
  return {
    state: readHeadState(chain),
    head: { number: signed.header.number, hash },
    scan: (prefix, startAfter, limit) => chain.listStorage(prefix, startAfter, limit),
  };
}

/** A module's methods as the node serves them; refuses a name outside the module's namespace. */
function mountModule(module: RuntimeModule): RpcMethod[] {
  return (module.rpc ?? []).map((method) => {
    if (!method.spec.name.startsWith(`${module.name}_`)) {
      throw new NodeError(
        'InvalidRpcMethod',
        `module ${module.name} declares RPC method ${method.spec.name}, outside its ${module.name}_ namespace`,
      );
    }
    return { spec: method.spec, run: (ctx, params) => method.run(queryContextOf(ctx.chain), params) };
  });
}

/**
 * The table of a node running `modules` (default: the Phalanx runtime's): the node's methods, each
 * module's, and `rpc.discover` documenting them all. Throws NodeError on a name served twice.
 */
export function createRpcMethods(modules: readonly RuntimeModule[] = MODULES): RpcMethodTable {
  const served = [...nodeMethods, ...modules.flatMap(mountModule)];
  const specs: RpcSpec[] = [...served.map((method) => method.spec), nodeRpc.discover];
  const document = buildOpenRpcDocument(specs);
  const methods = [...served, implement(nodeRpc.discover, () => document)];
  const byName = new Map<string, RpcMethod>();
  for (const method of methods) {
    if (byName.has(method.spec.name)) {
      throw new NodeError('InvalidRpcMethod', `RPC method ${method.spec.name} is declared twice`);
    }
    byName.set(method.spec.name, method);
  }
  return { methods, get: (name) => byName.get(name) };
}

/** The methods of a node running the Phalanx runtime. */
export const defaultRpcMethods: RpcMethodTable = createRpcMethods();
