// staking storage. Keys: `staking/<Item>/<SCALE key>`.
import { PublicKey32 } from '../../codec/scale.js';
import { storageMap, storageValue } from '../support/storage.js';
import { STAKING, StakeLedgerCodec, StakingConfigCodec } from './types.js';

/** Each staked worker's ledger; deleted when nothing is left in it. */
export const Stakes = storageMap(STAKING, 'Stakes', PublicKey32, StakeLedgerCodec);
/** `minStake` and `unbondingBlocks` (genesis, then `setConfig`). */
export const Config = storageValue(STAKING, 'StakingConfig', StakingConfigCodec);
