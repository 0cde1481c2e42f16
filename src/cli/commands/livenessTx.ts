// `phalanx tx staking bond|unbond|withdraw`, `tx computation start|stop` and `tx contracts
// deploy|undeploy`: the liveness calls (issue 9), signed and submitted like every `tx` (tx.ts).
// Arguments the chain would refuse for their form alone (a zero amount, zero replicas, a malformed
// key) are refused here, which saves a fee and a block.
import type { Command } from 'commander';
import { hexToBytes } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { computationCalls } from '../../runtime/computation/types.js';
import { contractsCalls } from '../../runtime/contracts/types.js';
import { stakingCalls } from '../../runtime/staking/types.js';
import { parseAmount, runAction } from '../output.js';
import { parseWorkerPubkey } from '../parseWorkerPubkey.js';
import { resolveSigner } from '../resolveSigner.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';
import { submitCall, type TxOptions, withTxOptions } from './tx.js';

const U32_MAX = 0xffff_ffff;

/** A positive amount, in smallest units or PHX like `tx balances transfer --amount`. */
function parseStakeAmount(text: string): bigint {
  const amount = parseAmount(text, 'amount');
  if (amount === 0n) throw new UsageError('amount: must be more than 0');
  return amount;
}

function parseU32(text: string, what: string, min: number): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > U32_MAX) {
    throw new UsageError(`${what}: expected an integer from ${min} to ${U32_MAX}, got "${text}"`);
  }
  return Number(text);
}

function parseCodeHash(text: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new UsageError(`codeHash: expected 0x + 64 hex digits (32 bytes), got "${text}"`);
  }
  return hexToBytes(text);
}

/**
 * Builds a call from the command's arguments (a UsageError, before anything is signed, if one is
 * malformed), signs it as `options` say and submits it.
 */
function runTx(build: () => Call, options: TxOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => submitCall(build(), await resolveSigner(options), options, io));
}

/** `staking.bond(worker, amount)`, signed by the worker's operator. */
export async function runStakingBond(
  worker: string,
  amount: string,
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  return runTx(() => stakingCalls.bond(parseWorkerPubkey(worker), parseStakeAmount(amount)), options, io);
}

/** `staking.unbond(worker, amount)`, signed by the stake's owner. */
export async function runStakingUnbond(
  worker: string,
  amount: string,
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  return runTx(() => stakingCalls.unbond(parseWorkerPubkey(worker), parseStakeAmount(amount)), options, io);
}

/** `staking.withdraw(worker)`, signed by the stake's owner. */
export async function runStakingWithdraw(
  worker: string,
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  return runTx(() => stakingCalls.withdraw(parseWorkerPubkey(worker)), options, io);
}

/** `computation.start | stop(worker)`, signed by the worker's operator. */
export async function runComputationSession(
  change: 'start' | 'stop',
  worker: string,
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  return runTx(() => computationCalls[change](parseWorkerPubkey(worker)), options, io);
}

export interface DeployOptions extends TxOptions {
  replicas: string;
}

/** `contracts.deploy(codeHash, replicas)`, signed by the account that will own the contract. */
export async function runContractsDeploy(
  codeHash: string,
  options: DeployOptions,
  io: OutputSink,
): Promise<number> {
  return runTx(
    () => contractsCalls.deploy(parseCodeHash(codeHash), parseU32(options.replicas, '--replicas', 1)),
    options,
    io,
  );
}

/** `contracts.undeploy(id)`, signed by the contract's owner. */
export async function runContractsUndeploy(id: string, options: TxOptions, io: OutputSink): Promise<number> {
  return runTx(() => contractsCalls.undeploy(parseU32(id, 'id', 0)), options, io);
}

const WORKER_ARG = "the worker's identity key (0x-hex or phx1...)";
const AMOUNT_ARG = 'smallest units (1500) or PHX (1000PHX)';

/** Adds `staking`, `computation` and `contracts` under `tx` (see registerTxCommands). */
export function registerLivenessTxCommands(tx: Command, io: OutputSink = processSink): void {
  const staking = tx
    .command('staking')
    .description("stake behind a worker (signed by the worker's operator)");
  withTxOptions(
    staking
      .command('bond')
      .description("reserve funds as the worker's stake (its operator signs)")
      .argument('<worker>', WORKER_ARG)
      .argument('<amount>', AMOUNT_ARG),
  ).action(async (worker: string, amount: string, options: TxOptions) => {
    process.exitCode = await runStakingBond(worker, amount, options, io);
  });
  withTxOptions(
    staking
      .command('unbond')
      .description('move active stake into the unbonding cool-down (not below minStake while in a session)')
      .argument('<worker>', WORKER_ARG)
      .argument('<amount>', AMOUNT_ARG),
  ).action(async (worker: string, amount: string, options: TxOptions) => {
    process.exitCode = await runStakingUnbond(worker, amount, options, io);
  });
  withTxOptions(
    staking
      .command('withdraw')
      .description('return every unbonded amount whose cool-down has ended')
      .argument('<worker>', WORKER_ARG),
  ).action(async (worker: string, options: TxOptions) => {
    process.exitCode = await runStakingWithdraw(worker, options, io);
  });

  const computation = tx
    .command('computation')
    .description("a worker's computation session (signed by the worker's operator)");
  for (const change of ['start', 'stop'] as const) {
    withTxOptions(
      computation
        .command(change)
        .description(
          change === 'start'
            ? 'start a session: the worker must be Provisioned, benchmarked and staked at least minStake'
            : 'stop a session: the worker cools down, then its stake may be unbonded',
        )
        .argument('<worker>', WORKER_ARG),
    ).action(async (worker: string, options: TxOptions) => {
      process.exitCode = await runComputationSession(change, worker, options, io);
    });
  }

  const contracts = tx.command('contracts').description('deploy contracts onto workers in session');
  withTxOptions(
    contracts
      .command('deploy')
      .description('reserve the deposit and have the chain draw the replicas among workers in session')
      .argument('<codeHash>', "the contract code's hash (0x + 64 hex digits)")
      .requiredOption('--replicas <n>', 'number of workers to run it (1 to the chain maxReplicas)'),
  ).action(async (codeHash: string, options: DeployOptions) => {
    process.exitCode = await runContractsDeploy(codeHash, options, io);
  });
  withTxOptions(
    contracts
      .command('undeploy')
      .description('release the workers and return the deposit (the owner signs)')
      .argument('<id>', 'contract id (the Deployed event names it)'),
  ).action(async (id: string, options: TxOptions) => {
    process.exitCode = await runContractsUndeploy(id, options, io);
  });
}
