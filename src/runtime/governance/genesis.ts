// governance genesis: the sudo key.
import { z } from 'zod';
import { accountIdSchema, type GenesisDefinition } from '../support/genesis.js';
import { SudoKey } from './storage.js';

export const governanceGenesisSchema = z.strictObject({ sudoKey: accountIdSchema });

export type GovernanceGenesisConfig = z.input<typeof governanceGenesisSchema>;

export const governanceGenesis: GenesisDefinition<
  z.output<typeof governanceGenesisSchema>,
  GovernanceGenesisConfig
> = {
  schema: governanceGenesisSchema,
  build(state, config) {
    SudoKey.set(state, config.sudoKey);
  },
};
