// `phalanx tx <module> <call>`: build a call, sign it with the account's next nonce and submit it;
// with --wait, follow the chain until a block includes it and report the outcome.
import type { Command } from 'commander';
import { createHttpClient } from '../../client/createHttpClient.js';
import { createWsClient } from '../../client/createWsClient.js';
import { getAccount } from '../../client/getAccount.js';
import { getChainInfo } from '../../client/getChainInfo.js';
import { getHeader } from '../../client/getHeader.js';
import { submitExtrinsic } from '../../client/submitExtrinsic.js';
import type { RpcClient } from '../../client/types.js';
import { waitForExtrinsic } from '../../client/waitForExtrinsic.js';
import { decodeAddress, encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { type Call, signExtrinsic } from '../../codec/chain.js';
import type { Keypair } from '../../codec/keys.js';
import { balancesCalls } from '../../runtime/balances/types.js';
import { parseAmount, runAction, toJsonText } from '../output.js';
import { resolveSigner } from '../resolveSigner.js';
import { defaultRpcUrl, toHttpUrl, toWsUrl } from '../rpcUrl.js';
import { EXIT_REJECTED, type OutputSink, processSink, UsageError } from './cliSupport.js';

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
    const [{ genesisHash }, account] = await Promise.all([
      getChainInfo(client),
      getAccount(client, encodeAddress(signer.publicKey)),
    ]);
    const extrinsic = signExtrinsic({
      genesisHash,
      signerSeed: signer.secretSeed,
      signer: signer.publicKey,
      nonce: account.nonce,
      call,
    });
    const fromNumber = ws ? ((await getHeader(client))?.signed.header.number ?? 0) + 1 : 0;
    const hash = await submitExtrinsic(client, extrinsic);
    if (!ws) {
      io.out(
        options.json
          ? toJsonText({ hash, nonce: account.nonce })
          : `submitted ${toHex(hash)} (nonce ${account.nonce})`,
      );
      return 0;
    }
    const inclusion = await waitForExtrinsic(ws, hash, {
      fromNumber,
    });
    const failed = inclusion.outcome !== null && !inclusion.outcome.ok;
    if (options.json) {
      io.out(toJsonText({ hash, nonce: account.nonce, ...inclusion }));
    } else {
      const outcome =
        inclusion.outcome === null
          ? 'outcome unknown'
          : inclusion.outcome.ok
            ? 'success'
            : `failed: ${inclusion.outcome.error.module}.${inclusion.outcome.error.error}`;
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

function withTxOptions(command: Command): Command {
  return command
    .option('--key <file>', 'key file of the signing account')
    .option('--dev <name>', 'sign as a development account (alice, bob, ...)')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--wait', 'wait until a block includes it and print the outcome')
    .option('--json', 'print JSON');
}

export function registerTxCommands(program: Command, io: OutputSink = processSink): void {
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
}
