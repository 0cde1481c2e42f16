// system storage. Keys: `system/<Item>/<SCALE key>`.
import { Hash32, PublicKey32, str, u32, u64 } from '../../codec/scale.js';
import { storageMap, storageValue } from '../support/storage.js';
import { AccountId } from '../support/types.js';
import { AuthoritiesCodec, ParametersCodec, SYSTEM } from './types.js';

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
/**
 * Keys allowed to author blocks: set at genesis, replaced by `setAuthorities`. A block's author is
 * checked against its parent's state, so a change governs the blocks after the one that made it.
 */
export const Authorities = storageValue(SYSTEM, 'Authorities', AuthoritiesCodec);
export const ChainName = storageValue(SYSTEM, 'ChainName', str);
