// `phalanx query account|block|workers|worker|policy|gatekeepers`: read the chain through a node's RPC.
import type { Command } from 'commander';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getAccount } from '../../client/getAccount.js';
import { getBlock } from '../../client/getBlock.js';
import { getBlockHash } from '../../client/getBlockHash.js';
import { getGatekeepers } from '../../client/getGatekeepers.js';
import { listWorkers } from '../../client/listWorkers.js';
import { encodeAddress } from '../../codec/address.js';
import { hexToBytes, toHex } from '../../codec/bytes.js';
import { PhalanxError } from '../../codec/errors.js';
import { registryRpc, type WorkerJson } from '../../runtime/registry/schemas.js';
import { formatAmount, runAction, toJsonText } from '../output.js';
import { parseWorkerPubkey } from '../parseWorkerPubkey.js';
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

function formatTime(ms: string): string {
  return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function shortHex(hex: string): string {
  return `${hex.slice(0, 10)}…${hex.slice(-6)}`;
}

/** SGX: MRENCLAVE; TDX: MRTD: the value the allowlist matched. */
function measurementOf(worker: WorkerJson): string {
  const m = worker.attestation.measurement;
  return m.tee === 'sgx' ? `mrenclave ${m.mrEnclave}` : `mrtd ${m.mrTd}`;
}

function statusOf(worker: WorkerJson): string {
  const a = worker.attestation;
  return a.tcbStatus ?? a.quoteStatus ?? '?';
}

function insecureMark(worker: WorkerJson): string {
  return worker.attestation.simInsecure ? ' [sim (insecure)]' : '';
}

export async function runQueryWorkers(options: QueryOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const client = createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
    const workers = await listWorkers(client);
    if (options.json) {
      io.out(toJsonText(workers));
      return 0;
    }
    if (workers.length === 0) {
      io.out('no workers registered');
      return 0;
    }
    const rows = workers.map((w) => [
      w.pubkey,
      w.state,
      `${w.attestation.provider}/${w.attestation.tee}`,
      statusOf(w),
      w.operator,
      formatTime(w.attestation.expiresAt),
    ]);
    const header = ['PUBKEY', 'STATE', 'EVIDENCE', 'TCB', 'OPERATOR', 'EXPIRES'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    io.out([line(header), ...rows.map(line)].join('\n'));
    if (workers.some((w) => w.attestation.simInsecure)) {
      io.out('note: this chain trusts a non-Intel (sim) root: its attestations are INSECURE');
    }
    return 0;
  });
}

export async function runQueryWorker(pubkey: string, options: QueryOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const key = parseWorkerPubkey(pubkey);
    const client = createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
    const worker = await callMethod(client, registryRpc.getWorker, toHex(key));
    if (!worker) throw new PhalanxError('WorkerNotFound', `no worker ${toHex(key)} is registered`);
    if (options.json) {
      io.out(toJsonText(worker));
      return 0;
    }
    const a = worker.attestation;
    io.out(
      [
        `worker     ${worker.pubkey}`,
        `state      ${worker.state}`,
        `operator   ${worker.operator}`,
        `ecdh key   ${worker.ecdhPubkey}`,
        `features   ${worker.features.cores} cores, ${worker.features.tee}`,
        `evidence   ${a.provider} (${a.tee})${insecureMark(worker)}`,
        `status     ${statusOf(worker)}${a.advisoryIds.length ? ` (${a.advisoryIds.join(', ')})` : ''}, confidence level ${a.confidenceLevel}`,
        `measured   ${measurementOf(worker)}`,
        `attested   ${formatTime(a.attestedAt)}`,
        `expires    ${formatTime(a.expiresAt)}`,
        `registered block #${worker.registeredAt} (recent block #${worker.recentBlock.number} ${shortHex(worker.recentBlock.hash)})`,
        `benchmark  ${worker.benchmark ? `${worker.benchmark.score} at block #${worker.benchmark.blockNumber}` : 'none yet'}`,
      ].join('\n'),
    );
    return 0;
  });
}

export async function runQueryPolicy(options: QueryOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const client = createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
    const info = await callMethod(client, registryRpc.getPolicy);
    if (options.json) {
      // Just the policy: the file `phalanx tx registry set-policy --file` takes back.
      io.out(toJsonText(info.policy));
      return 0;
    }
    const p = info.policy;
    const rules = p.measurementAllowlist.map((rule) =>
      rule.tee === 'sgx'
        ? `    sgx ${rule.mrEnclave ? `mrenclave ${rule.mrEnclave}` : ''}${rule.mrSigner ? ` mrsigner ${rule.mrSigner}` : ''}`
        : `    tdx mrtd ${rule.mrTd}`,
    );
    io.out(
      [
        `policy ${info.hash}`,
        '  trusted roots:',
        ...info.roots.map((r) => `    ${r.subject}${r.intel ? '' : '  [NOT Intel: INSECURE]'}`),
        '  measurement allowlist:',
        ...(rules.length ? rules : ['    (empty: every worker is refused)']),
        `  accepted TCB statuses:   ${p.acceptedTcbStatuses.join(', ') || '(none)'}`,
        `  accepted IAS statuses:   ${p.acceptedQuoteStatuses.join(', ') || '(none)'}`,
        `  advisory allowlist:      ${p.advisoryAllowlist ? p.advisoryAllowlist.join(', ') || '(none allowed)' : '(any)'}`,
        `  debug allowed:           ${p.allowDebug}`,
        `  TDX SEPT_VE_DISABLE:     ${p.requireSeptVeDisable ? 'required' : 'not required'}`,
        `  max evidence age:        ${p.maxEvidenceAgeBlocks} blocks`,
        `  attestation validity:    ${Number(p.attestationValidityMs) / 1000} s`,
        `  max IAS report age:      ${Number(p.maxIasReportAgeMs) / 1000} s`,
      ].join('\n'),
    );
    return 0;
  });
}

export async function runQueryGatekeepers(options: QueryOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const client = createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
    const set = await getGatekeepers(client);
    if (options.json) {
      io.out(toJsonText(set));
      return 0;
    }
    io.out(
      [
        `master pubkey: ${set.masterPubkey ? toHex(set.masterPubkey) : '(not published yet)'}`,
        `gatekeepers (${set.gatekeepers.length}):`,
        ...set.gatekeepers.map((g) => `  ${toHex(g)}`),
      ].join('\n'),
    );
    return 0;
  });
}

/** Adds `query` and its commands; returns `query`, to which other files add theirs (createProgram.ts). */
export function registerQueryCommands(program: Command, io: OutputSink = processSink): Command {
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
  query
    .command('workers')
    .description('every registered worker with its state, evidence, TCB status, operator and expiry')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--json', 'print JSON')
    .action(async (options: QueryOptions) => {
      process.exitCode = await runQueryWorkers(options, io);
    });
  query
    .command('worker')
    .description("one worker's record: state, operator, keys, attestation facts, benchmark")
    .argument('<pubkey>', "the worker's identity key (0x-hex or phx1...)")
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--json', 'print JSON')
    .action(async (pubkey: string, options: QueryOptions) => {
      process.exitCode = await runQueryWorker(pubkey, options, io);
    });
  query
    .command('policy')
    .description('the attestation policy (--json prints the file `tx registry set-policy` takes)')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--json', 'print JSON')
    .action(async (options: QueryOptions) => {
      process.exitCode = await runQueryPolicy(options, io);
    });
  query
    .command('gatekeepers')
    .description('the gatekeeper set and the network master public key')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--json', 'print JSON')
    .action(async (options: QueryOptions) => {
      process.exitCode = await runQueryGatekeepers(options, io);
    });
  return query;
}
