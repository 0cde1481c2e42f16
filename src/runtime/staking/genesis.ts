// staking genesis: its parameters. Stakes are bonded by extrinsics, once workers are registered.
import { z } from 'zod';
import { amountSchema, type GenesisDefinition, GenesisError, u32Schema } from '../support/genesis.js';
import { Config } from './storage.js';

export const stakingGenesisSchema = z.strictObject({ minStake: amountSchema, unbondingBlocks: u32Schema });

export type StakingGenesisConfig = z.input<typeof stakingGenesisSchema>;

export const stakingGenesis: GenesisDefinition<
  z.output<typeof stakingGenesisSchema>,
  StakingGenesisConfig
> = {
  schema: stakingGenesisSchema,
  build(state, config) {
    if (config.minStake === 0n) throw new GenesisError('staking.minStake', 'must be above 0');
    Config.set(state, config);
  },
};
