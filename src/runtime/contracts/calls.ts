// contracts calls: check origin, validate, write, emit (README.md).
import { equalBytes } from '../../codec/bytes.js';
import { reserve, unreserve } from '../balances/currency.js';
import { governanceCall, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { WEIGHT } from '../support/weight.js';
import { fillReplicas, unassign } from './assign.js';
import { ContractsErrors } from './errors.js';
import { ContractsEvents } from './events.js';
import { Assignments, Config, Contracts, NextContractId, ShortContracts } from './storage.js';
import { type Contract, DeployArgs, SetContractsConfigArgs, UndeployArgs } from './types.js';

/** A deploy draws its replicas: a few pool walks each, about a signature's worth of work. */
const DRAWS = { weight: WEIGHT.base + WEIGHT.signature };

export const contractsCallDefinitions = {
  deploy: signedCall(DeployArgs, DRAWS, (ctx, who, { codeHash, replicas }) => {
    const config = Config.get(ctx.state)!;
    ensure(replicas >= 1 && replicas <= config.maxReplicas, ContractsErrors.InvalidReplicas);
    reserve(ctx, who, config.deposit);
    const id = NextContractId.get(ctx.state) ?? 0;
    NextContractId.set(ctx.state, id + 1);
    const contract: Contract = {
      owner: who,
      codeHash,
      replicas,
      deposit: config.deposit,
      deployedAt: ctx.block.number,
    };
    Contracts.set(ctx.state, id, contract);
    ContractsEvents.Deployed.emit(ctx, { contract: id, owner: who, codeHash, replicas });
    fillReplicas(ctx, id, contract);
  }),

  undeploy: signedCall(UndeployArgs, DRAWS, (ctx, who, { contract: id }) => {
    const contract = Contracts.get(ctx.state, id);
    ensure(contract !== undefined, ContractsErrors.ContractNotFound);
    ensure(equalBytes(contract.owner, who), ContractsErrors.NotOwner);
    for (const worker of Assignments.get(ctx.state, id) ?? []) unassign(ctx, id, worker);
    Contracts.delete(ctx.state, id);
    // A pending retry finds no contract and is dropped.
    ShortContracts.delete(ctx.state, id);
    unreserve(ctx, who, contract.deposit);
    ContractsEvents.Undeployed.emit(ctx, { contract: id, owner: who });
  }),

  setConfig: governanceCall(SetContractsConfigArgs, (ctx, { config }) => {
    ensure(config.maxReplicas >= 1 && config.maxContractsPerWorker >= 1, ContractsErrors.InvalidConfig);
    Config.set(ctx.state, config);
    ContractsEvents.ConfigChanged.emit(ctx, { config });
  }),
};
