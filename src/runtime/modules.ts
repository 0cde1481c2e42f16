// The runtime: its modules, in order. The order is consensus: hooks run and genesis is built in it
// (system first: the others read its parameters). A new module is a folder and one line here.
import { balancesModule } from './balances/index.js';
import { computationModule } from './computation/index.js';
import { contractsModule } from './contracts/index.js';
import { gatekeeperModule } from './gatekeeper/index.js';
import { governanceModule } from './governance/index.js';
import { registryModule } from './registry/index.js';
import { stakingModule } from './staking/index.js';
import type { GenesisDefinition } from './support/genesis.js';
import type { RuntimeModule } from './support/module.js';
import { systemModule } from './system/index.js';

export const MODULES = [
  systemModule,
  balancesModule,
  governanceModule,
  registryModule,
  gatekeeperModule,
  stakingModule,
  computationModule,
  contractsModule,
] as const satisfies readonly RuntimeModule[];

type GenesisInput<M> = M extends { genesis: GenesisDefinition<unknown, infer Input> } ? Input : never;

/** The JSON genesis config: one section per module that has a genesis. */
export type GenesisConfig = {
  [M in (typeof MODULES)[number] as M extends { genesis: object } ? M['name'] : never]: GenesisInput<M>;
};
