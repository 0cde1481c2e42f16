// computation genesis: the liveness parameters (README.md, "Parameters"). Sessions start by extrinsic.
import { z } from 'zod';
import { amountSchema, type GenesisDefinition, GenesisError, u32Schema } from '../support/genesis.js';
import { findConfigProblem } from './config.js';
import { Config } from './storage.js';

export const computationGenesisSchema = z.strictObject({
  expectedHeartbeats: u32Schema,
  maxChallengesPerHour: u32Schema,
  maxSilence: u32Schema,
  heartbeatWindow: u32Schema,
  slashPpm: u32Schema,
  ownerSharePpm: u32Schema,
  maxStrikes: u32Schema,
  outageSharePpm: u32Schema,
  outageWindow: u32Schema,
  outageMinOperators: u32Schema,
  cooldownBlocks: u32Schema,
  rewardPerBlock: amountSchema,
  maxProcessPerBlock: u32Schema,
});

export type ComputationGenesisConfig = z.input<typeof computationGenesisSchema>;

export const computationGenesis: GenesisDefinition<
  z.output<typeof computationGenesisSchema>,
  ComputationGenesisConfig
> = {
  schema: computationGenesisSchema,
  build(state, config) {
    const problem = findConfigProblem(config);
    if (problem) throw new GenesisError('computation', problem);
    Config.set(state, config);
  },
};
