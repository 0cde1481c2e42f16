// contracts: SCALE codecs of its calls, events and storage values, and builders of its calls. Imports
// only src/codec and other types.ts files (clients build calls with it).
import type { Call } from '../../codec/chain.js';
import { type CodecType, Hash32, PublicKey32, Struct, u32 } from '../../codec/scale.js';
import { AccountId, Balance } from '../support/types.js';

export const CONTRACTS = 'contracts' as const;

export const ContractsConfigCodec = Struct({
  /** Reserved from the deployer for the contract's life, returned by `undeploy`. */
  deposit: Balance,
  /** Most replicas a contract may ask for. */
  maxReplicas: u32,
  /** Most contracts one worker holds at once. */
  maxContractsPerWorker: u32,
});
export type ContractsConfig = CodecType<typeof ContractsConfigCodec>;

export const ContractCodec = Struct({
  owner: AccountId,
  codeHash: Hash32,
  replicas: u32,
  deposit: Balance,
  deployedAt: u32,
});
export type Contract = CodecType<typeof ContractCodec>;

export const DeployArgs = Struct({ codeHash: Hash32, replicas: u32 });
export const UndeployArgs = Struct({ contract: u32 });
export const SetContractsConfigArgs = Struct({ config: ContractsConfigCodec });

export const contractsEventCodecs = {
  Deployed: Struct({ contract: u32, owner: AccountId, codeHash: Hash32, replicas: u32 }),
  Undeployed: Struct({ contract: u32, owner: AccountId }),
  Assigned: Struct({ contract: u32, worker: PublicKey32 }),
  /** The worker no longer holds the contract (it missed, stopped or lapsed; or the contract left). */
  Unassigned: Struct({ contract: u32, worker: PublicKey32 }),
  /** Fewer eligible workers than replicas: the contract runs short and is topped up when some appear. */
  Understaffed: Struct({ contract: u32, assigned: u32, replicas: u32 }),
  /** The owners' share of a holder's slash, paid to the contract's owner. */
  Compensated: Struct({ contract: u32, owner: AccountId, amount: Balance }),
  ConfigChanged: Struct({ config: ContractsConfigCodec }),
};

export type ContractsEventData = {
  [K in keyof typeof contractsEventCodecs]: CodecType<(typeof contractsEventCodecs)[K]>;
};

export const contractsCalls = {
  /** Signed: reserves the deposit and assigns `replicas` workers by a weighted draw. */
  deploy: (codeHash: Uint8Array, replicas: number): Call => ({
    module: CONTRACTS,
    call: 'deploy',
    args: DeployArgs.enc({ codeHash, replicas }),
  }),
  /** Signed by the owner: releases the workers and returns the deposit. */
  undeploy: (contract: number): Call => ({
    module: CONTRACTS,
    call: 'undeploy',
    args: UndeployArgs.enc({ contract }),
  }),
  /** Governance origin: replaces the contracts parameters. */
  setConfig: (config: ContractsConfig): Call => ({
    module: CONTRACTS,
    call: 'setConfig',
    args: SetContractsConfigArgs.enc({ config }),
  }),
};
