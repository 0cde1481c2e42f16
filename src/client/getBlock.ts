import { hexToBytes, toHex } from '../codec/bytes.js';
import { type Block, BlockCodec } from '../codec/chain.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import type { OutcomeJson } from '../codec/rpcWire.js';
import { decodeExact } from '../codec/scale.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export interface BlockInfo {
  hash: Uint8Array;
  /** Decoded from the block's SCALE bytes, the form that is hashed and signed. */
  block: Block;
  /** Per extrinsic, in block order: its hash and outcome (null if the node has none). */
  extrinsics: { hash: Uint8Array; outcome: OutcomeJson | null }[];
}

/** A block (the best block without `hash`); undefined if the node does not know it. */
export async function getBlock(client: RpcClient, hash?: Uint8Array): Promise<BlockInfo | undefined> {
  const json = await callMethod(client, nodeRpc.getBlock, hash && toHex(hash));
  if (json === null) return undefined;
  return {
    hash: hexToBytes(json.hash),
    block: decodeExact(BlockCodec, hexToBytes(json.block), 'block'),
    extrinsics: json.extrinsics.map((e) => ({ hash: hexToBytes(e.hash), outcome: e.outcome })),
  };
}
