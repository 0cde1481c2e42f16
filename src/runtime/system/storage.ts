// system storage. Keys: `system/<Item>/<SCALE key>`.
import { Hash32, PublicKey32, str, u32, u64, Vector } from '../../codec/scale.js';
import { storageMap, storageValue } from '../support/storage.js';
import { AccountId } from '../support/types.js';
import { ParametersCodec, SYSTEM } from './types.js';

/** Number of the block being executed (of the last executed block, between blocks). */
export const BlockNumber = storageValue(SYSTEM, 'Number', u32);
export const ParentHash = storageValue(SYSTEM, 'ParentHash', Hash32);
/** Timestamp (ms) of the current block, from its header: the runtime's only clock. */
export const Timestamp = storageValue(SYSTEM, 'Timestamp', u64);
export const Author = storageValue(SYSTEM, 'Author', PublicKey32);
/** Hashes of the last BLOCK_HASH_COUNT blocks by number (block 0 is genesis). */
export const BlockHashes = storageMap(SYSTEM, 'BlockHashes', u32, Hash32);
/** Next nonce of each account that ever signed; never deleted, so reaping cannot enable replays. */
export const Nonces = storageMap(SYSTEM, 'Nonces', AccountId, u32);
export const Parameters = storageValue(SYSTEM, 'Parameters', ParametersCodec);
/** Keys allowed to author blocks, from genesis. */
export const Authorities = storageValue(SYSTEM, 'Authorities', Vector(PublicKey32));
export const ChainName = storageValue(SYSTEM, 'ChainName', str);
