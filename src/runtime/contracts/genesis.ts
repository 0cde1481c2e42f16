// contracts genesis: its parameters. Contracts are deployed by extrinsic.
import { z } from 'zod';
import { amountSchema, type GenesisDefinition, GenesisError, u32Schema } from '../support/genesis.js';
import { Config } from './storage.js';

export const contractsGenesisSchema = z.strictObject({
  deposit: amountSchema,
  maxReplicas: u32Schema,
  maxContractsPerWorker: u32Schema,
});

export type ContractsGenesisConfig = z.input<typeof contractsGenesisSchema>;

export const contractsGenesis: GenesisDefinition<
  z.output<typeof contractsGenesisSchema>,
  ContractsGenesisConfig
> = {
  schema: contractsGenesisSchema,
  build(state, config) {
    if (config.maxReplicas < 1) throw new GenesisError('contracts.maxReplicas', 'must be at least 1');
    if (config.maxContractsPerWorker < 1)
      throw new GenesisError('contracts.maxContractsPerWorker', 'must be at least 1');
    Config.set(state, config);
  },
};
