// Read-only views of system storage for the node and its RPC.
import type { StateReader } from '../api.js';
import { readParameters } from './parameters.js';
import { Authorities, BlockHashes, BlockNumber, ChainName, Nonces, Timestamp } from './storage.js';
import type { Parameters } from './types.js';

export function getNonce(state: StateReader, who: Uint8Array): number {
  return Nonces.get(state, who) ?? 0;
}

export function getAuthorities(state: StateReader): Uint8Array[] {
  return Authorities.get(state) ?? [];
}

export function getChainName(state: StateReader): string {
  return ChainName.get(state) ?? '';
}

export function getBlockNumber(state: StateReader): number {
  return BlockNumber.get(state) ?? 0;
}

export function getTimestamp(state: StateReader): bigint {
  return Timestamp.get(state) ?? 0n;
}

/** Hash of a recent block (within BLOCK_HASH_COUNT of the head), or undefined. */
export function getBlockHash(state: StateReader, number: number): Uint8Array | undefined {
  return BlockHashes.get(state, number);
}

export function getParameters(state: StateReader): Parameters {
  return readParameters(state);
}
