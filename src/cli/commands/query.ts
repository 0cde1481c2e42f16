// `phalanx query account|block`: read the chain through a node's RPC.
import type { Command } from 'commander';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getAccount } from '../../client/getAccount.js';
import { getBlock } from '../../client/getBlock.js';
import { getBlockHash } from '../../client/getBlockHash.js';
import { encodeAddress } from '../../codec/address.js';
import { hexToBytes, toHex } from '../../codec/bytes.js';
import { PhalanxError } from '../../codec/errors.js';
import { formatAmount, runAction, toJsonText } from '../output.js';
import { defaultRpcUrl, toHttpUrl } from '../rpcUrl.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';

export interface QueryOptions {
  rpc?: string;
  json?: boolean;
}

export async function runQueryAccount(
  address: string,
  options: QueryOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const client = createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
    const account = await getAccount(client, address);
    if (options.json) io.out(toJsonText(account));
    else {
      io.out(
        [
          `address:  ${account.address}`,
          `nonce:    ${account.nonce}`,
          `free:     ${formatAmount(account.free)} (${account.free})`,
          `reserved: ${formatAmount(account.reserved)} (${account.reserved})`,
        ].join('\n'),
      );
    }
    return 0;
  });
}

export async function runQueryBlock(
  which: string | undefined,
  options: QueryOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const client = createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
    let hash: Uint8Array | undefined;
    if (which === undefined) hash = undefined;
    else if (/^\d+$/.test(which)) {
      hash = await getBlockHash(client, Number(which));
      if (!hash) throw new PhalanxError('UnknownBlock', `the node has no block #${which} yet`);
    } else if (/^0x[0-9a-fA-F]{64}$/.test(which)) hash = hexToBytes(which);
    else throw new UsageError(`expected a block number or a 0x-hex block hash, got "${which}"`);
    const info = await getBlock(client, hash);
    if (!info) throw new PhalanxError('UnknownBlock', `the node does not know block ${which ?? '(head)'}`);
    const { header, signature } = info.block;
    if (options.json) {
      io.out(toJsonText({ hash: info.hash, header, signature, extrinsics: info.extrinsics }));
      return 0;
    }
    const lines = [
      `block #${header.number}  ${toHex(info.hash)}`,
      `parent:     ${toHex(header.parentHash)}`,
      `time:       ${new Date(Number(header.timestamp)).toISOString()} (${header.timestamp})`,
      `author:     ${encodeAddress(header.author)}`,
      `stateRoot:  ${toHex(header.stateRoot)}`,
      `extrinsics: ${info.extrinsics.length}`,
    ];
    for (const [i, e] of info.extrinsics.entries()) {
      const outcome =
        e.outcome === null ? '?' : e.outcome.ok ? 'ok' : `${e.outcome.error.module}.${e.outcome.error.error}`;
      lines.push(`  ${i}: ${toHex(e.hash)} ${outcome}`);
    }
    io.out(lines.join('\n'));
    return 0;
  });
}

export function registerQueryCommands(program: Command, io: OutputSink = processSink): void {
  const query = program.command('query').description('read chain state and blocks from a node');
  query
    .command('account')
    .description("an account's nonce and balances at the best block")
    .argument('<address>', 'account address (phx1...)')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--json', 'print JSON')
    .action(async (address: string, options: QueryOptions) => {
      process.exitCode = await runQueryAccount(address, options, io);
    });
  query
    .command('block')
    .description('a block by number or hash (default: the best block)')
    .argument('[numberOrHash]', 'block number or 0x-hex hash')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--json', 'print JSON')
    .action(async (which: string | undefined, options: QueryOptions) => {
      process.exitCode = await runQueryBlock(which, options, io);
    });
}
