// staking queries, for RPC handlers and tests.
import type { StateReader } from '../api.js';
import { readStake, readStakingConfig } from './stake.js';
import type { StakeLedger, StakingConfig } from './types.js';

export function getStake(state: StateReader, worker: Uint8Array): StakeLedger | undefined {
  return readStake(state, worker);
}

export function getStakingConfig(state: StateReader): StakingConfig {
  return readStakingConfig(state);
}
