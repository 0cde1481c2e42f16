// The staking module: operators bond stake behind their workers, unbond through a cool-down, and
// lose part of it to penalties (README.md). Other modules use stakes only through stake.ts.
import { defineModule } from '../support/module.js';
import { stakingCallDefinitions } from './calls.js';
import { StakingErrors } from './errors.js';
import { StakingEvents } from './events.js';
import { stakingGenesis } from './genesis.js';
import { stakingRpcMethods } from './rpc.js';
import { STAKING } from './types.js';

export const stakingModule = defineModule(STAKING, {
  calls: stakingCallDefinitions,
  events: StakingEvents,
  errors: StakingErrors,
  genesis: stakingGenesis,
  rpc: stakingRpcMethods,
});

export { StakingErrors } from './errors.js';
export { StakingEvents } from './events.js';
export * from './queries.js';
export {
  activeStake,
  holdForSlash,
  readStake,
  readStakingConfig,
  releaseHold,
  setStakeLocked,
  slashStake,
} from './stake.js';
export { Config as StakingConfig, Stakes } from './storage.js';
