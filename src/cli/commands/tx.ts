// `phalanx tx <module> <call>`: build a call, sign it with the account's next nonce and submit it;
// with --wait, follow the chain until a block includes it and report the outcome. Governance calls
// (the policy, the gatekeeper set) go inside `governance.sudo`, signed by the sudo key.
import type { Command } from 'commander';
import { createHttpClient } from '../../client/createHttpClient.js';
import { createWsClient } from '../../client/createWsClient.js';
import { getChainInfo } from '../../client/getChainInfo.js';
import { getHeader } from '../../client/getHeader.js';
import { getNextNonce } from '../../client/getNextNonce.js';
import { submitExtrinsic } from '../../client/submitExtrinsic.js';
import type { RpcClient } from '../../client/types.js';
import { waitForExtrinsic } from '../../client/waitForExtrinsic.js';
import { decodeAddress, encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { type Call, signExtrinsic } from '../../codec/chain.js';
import type { Keypair } from '../../codec/keys.js';
import { balancesCalls } from '../../runtime/balances/types.js';
import { gatekeeperCalls } from '../../runtime/gatekeeper/types.js';
import { governanceCalls } from '../../runtime/governance/types.js';
import { findPolicyProblem } from '../../runtime/registry/policy.js';
import { PolicyJsonSchema, policyFromJson } from '../../runtime/registry/schemas.js';
import { registryCalls } from '../../runtime/registry/types.js';
import { parseAmount, runAction, toJsonText } from '../output.js';
import { parseWorkerPubkey } from '../parseWorkerPubkey.js';
import { resolveSigner } from '../resolveSigner.js';
import { defaultRpcUrl, toHttpUrl, toWsUrl } from '../rpcUrl.js';
import { EXIT_REJECTED, type OutputSink, processSink, readInputFile, UsageError } from './cliSupport.js';

export interface TxOptions {
  key?: string;
  dev?: string;
  rpc?: string;
  wait?: boolean;
  json?: boolean;
}

/** Signs `call` as `signer` with its next nonce, submits it and, with `wait`, reports inclusion. */
export async function submitCall(
  call: Call,
  signer: Keypair,
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  const rpc = options.rpc ?? defaultRpcUrl();
  // --wait needs notifications, so it talks WebSocket; a plain submit needs one HTTP round trip each.
  const ws = options.wait ? await createWsClient(toWsUrl(rpc)) : undefined;
  const client: RpcClient = ws ?? createHttpClient(toHttpUrl(rpc));
  try {
    // The pool-aware next nonce: a second `tx` sent before the first is in a block queues behind
    // it instead of colliding with it (AlreadyInPool, NonceInPool).
    const [{ genesisHash }, nonce] = await Promise.all([
      getChainInfo(client),
      getNextNonce(client, encodeAddress(signer.publicKey)),
    ]);
    const extrinsic = signExtrinsic({
      genesisHash,
      signerSeed: signer.secretSeed,
      signer: signer.publicKey,
      nonce,
      call,
    });
    const fromNumber = ws ? ((await getHeader(client))?.signed.header.number ?? 0) + 1 : 0;
    const hash = await submitExtrinsic(client, extrinsic);
    if (!ws) {
      io.out(options.json ? toJsonText({ hash, nonce }) : `submitted ${toHex(hash)} (nonce ${nonce})`);
      return 0;
    }
    const inclusion = await waitForExtrinsic(ws, hash, {
      fromNumber,
    });
    // `governance.sudo` itself succeeds when its inner call fails; the Sudid event carries why.
    const sudid = inclusion.events.find((e) => e.module === 'governance' && e.name === 'Sudid');
    const innerError =
      sudid && sudid.fields.ok === false ? describeDispatchError(sudid.fields.error) : undefined;
    const failed = (inclusion.outcome !== null && !inclusion.outcome.ok) || innerError !== undefined;
    if (options.json) {
      io.out(toJsonText({ hash, nonce, ...inclusion }));
    } else {
      const outcome =
        inclusion.outcome === null
          ? 'outcome unknown'
          : !inclusion.outcome.ok
            ? `failed: ${inclusion.outcome.error.module}.${inclusion.outcome.error.error}`
            : innerError !== undefined
              ? `sudo call failed: ${innerError}`
              : 'success';
      io.out(
        `included ${toHex(hash)} in block #${inclusion.blockNumber} (${toHex(inclusion.blockHash)}): ${outcome}`,
      );
      for (const event of inclusion.events)
        io.out(`  ${event.module}.${event.name} ${JSON.stringify(event.fields)}`);
    }
    return failed ? EXIT_REJECTED : 0;
  } finally {
    await client.close();
  }
}

/** `{ module, error }` of a decoded DispatchError, as `module.Error`. */
function describeDispatchError(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'module' in error && 'error' in error) {
    return `${String(error.module)}.${String(error.error)}`;
  }
  return JSON.stringify(error);
}

export interface TransferOptions extends TxOptions {
  to: string;
  amount: string;
}

export async function runBalancesTransfer(options: TransferOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    let dest: Uint8Array;
    try {
      dest = decodeAddress(options.to);
    } catch (error) {
      throw new UsageError(`--to: ${(error as Error).message}`);
    }
    const amount = parseAmount(options.amount);
    const signer = await resolveSigner(options);
    return submitCall(balancesCalls.transfer({ dest, amount }), signer, options, io);
  });
}

export interface SetPolicyOptions extends TxOptions {
  file: string;
}

/** `governance.sudo(registry.setPolicy(policy))`, the policy read from a JSON file (genesis form). */
export async function runRegistrySetPolicy(options: SetPolicyOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const text = new TextDecoder().decode(await readInputFile(options.file, '--file'));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--file: ${options.file} is not JSON`);
    }
    // `phalanx query policy --json` prints exactly this form; accept the RPC's { policy } wrapper too.
    if (json !== null && typeof json === 'object' && 'policy' in json) json = json.policy;
    const parsed = PolicyJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`--file: ${issue?.path.join('.') || 'policy'}: ${issue?.message}`);
    }
    const policy = policyFromJson(parsed.data);
    // The chain would refuse it with InvalidPolicy; saying why here saves a fee and a block.
    const problem = findPolicyProblem(policy);
    if (problem) throw new UsageError(`--file: ${problem}`);
    const signer = await resolveSigner(options);
    return submitCall(governanceCalls.sudo(registryCalls.setPolicy(policy)), signer, options, io);
  });
}

/**
 * `registry.expire(worker)`, signed by any account: marks a worker whose registration has lapsed as
 * `Expired` now, rather than when the chain's expiry queue reaches it (within a slot).
 */
export async function runRegistryExpire(pubkey: string, options: TxOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const worker = parseWorkerPubkey(pubkey);
    const signer = await resolveSigner(options);
    return submitCall(registryCalls.expire(worker), signer, options, io);
  });
}

/** `governance.sudo(gatekeeper.addGatekeeper | removeGatekeeper(pubkey))`. */
export async function runGatekeeperChange(
  change: 'add' | 'remove',
  pubkey: string,
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const key = parseWorkerPubkey(pubkey);
    const call =
      change === 'add' ? gatekeeperCalls.addGatekeeper(key) : gatekeeperCalls.removeGatekeeper(key);
    const signer = await resolveSigner(options);
    return submitCall(governanceCalls.sudo(call), signer, options, io);
  });
}

export function withTxOptions(command: Command): Command {
  return command
    .option('--key <file>', 'key file of the signing account')
    .option('--dev <name>', 'sign as a development account (alice, bob, ...)')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--wait', 'wait until a block includes it and print the outcome')
    .option('--json', 'print JSON');
}

/** Adds `tx` and its commands; returns `tx`, to which other files add theirs (createProgram.ts). */
export function registerTxCommands(program: Command, io: OutputSink = processSink): Command {
  const tx = program.command('tx').description('sign and submit transactions');
  const balances = tx.command('balances').description('balances module calls');
  withTxOptions(
    balances
      .command('transfer')
      .description('transfer funds to another account')
      .requiredOption('--to <address>', 'recipient address (phx1...)')
      .requiredOption('--amount <amount>', 'smallest units (1500) or PHX (1.5PHX)'),
  ).action(async (options: TransferOptions) => {
    process.exitCode = await runBalancesTransfer(options, io);
  });

  const registry = tx
    .command('registry')
    .description('registry calls: the policy (signed by the sudo key), expiring a lapsed worker (anyone)');
  withTxOptions(
    registry
      .command('set-policy')
      .description('replace the attestation policy (governance.sudo)')
      .requiredOption('--file <policy.json>', 'the policy as JSON (the form `query policy --json` prints)'),
  ).action(async (options: SetPolicyOptions) => {
    process.exitCode = await runRegistrySetPolicy(options, io);
  });
  withTxOptions(
    registry
      .command('expire')
      .description('mark a worker whose registration has lapsed as Expired (any account may sign)')
      .argument('<worker>', "the worker's identity key (0x-hex or phx1...)"),
  ).action(async (worker: string, options: TxOptions) => {
    process.exitCode = await runRegistryExpire(worker, options, io);
  });
  const gatekeeper = tx
    .command('gatekeeper')
    .description('gatekeeper set governance calls (signed by the sudo key)');
  for (const change of ['add', 'remove'] as const) {
    withTxOptions(
      gatekeeper
        .command(change)
        .description(
          change === 'add'
            ? 'make a registered worker a gatekeeper (governance.sudo)'
            : 'remove a gatekeeper (governance.sudo)',
        )
        .argument('<pubkey>', "the worker's identity key (0x-hex or phx1...)"),
    ).action(async (pubkey: string, options: TxOptions) => {
      process.exitCode = await runGatekeeperChange(change, pubkey, options, io);
    });
  }
  return tx;
}
