// `phalanx query stake|session|sessions|challenges|assignments`: the liveness state (issue 9) read
// through the modules' RPC methods (staking, computation and contracts schemas.ts) with the typed
// client. Human tables by default, the RPC's JSON with --json.
import type { Command } from 'commander';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { toHex } from '../../codec/bytes.js';
import { PhalanxError } from '../../codec/errors.js';
import { computationRpc, MAX_SESSION_PAGE, type SessionJson } from '../../runtime/computation/schemas.js';
import { SESSION_STATES, type SessionState } from '../../runtime/computation/types.js';
import { contractsRpc } from '../../runtime/contracts/schemas.js';
import { stakingRpc } from '../../runtime/staking/schemas.js';
import { formatAmount, runAction, toJsonText } from '../output.js';
import { parseWorkerPubkey } from '../parseWorkerPubkey.js';
import { defaultRpcUrl, toHttpUrl } from '../rpcUrl.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';
import type { QueryOptions } from './query.js';

function clientOf(options: QueryOptions) {
  return createHttpClient(toHttpUrl(options.rpc ?? defaultRpcUrl()));
}

/** `--state`, matched without regard to case, as the chain names it. */
export function parseSessionState(text: string): SessionState {
  const state = SESSION_STATES.find((s) => s.toLowerCase() === text.toLowerCase());
  if (state === undefined) {
    throw new UsageError(`--state: unknown session state "${text}" (one of ${SESSION_STATES.join(', ')})`);
  }
  return state;
}

function parseCount(text: string, what: string, min: number, max: number): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${what}: expected an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function amount(decimal: string): string {
  return `${formatAmount(BigInt(decimal))} (${decimal})`;
}

function blockOrNever(number: number): string {
  return number === 0 ? 'never' : `#${number}`;
}

export async function runQueryStake(worker: string, options: QueryOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const key = toHex(parseWorkerPubkey(worker));
    const client = clientOf(options);
    const stake = await callMethod(client, stakingRpc.getStake, key);
    if (!stake) throw new PhalanxError('StakeNotFound', `worker ${key} has no stake`);
    if (options.json) {
      io.out(toJsonText(stake));
      return 0;
    }
    io.out(
      [
        `worker     ${stake.worker}`,
        `owner      ${stake.owner}`,
        `active     ${amount(stake.active)}`,
        `locked     ${stake.locked ? 'yes (in a session: unbond may not take it below minStake)' : 'no'}`,
        `min stake  ${amount(stake.minStake)}`,
        `unbonding  ${stake.unbonding.length === 0 ? 'none' : ''}`.trimEnd(),
        ...stake.unbonding.map((c) => `  ${amount(c.amount)} withdrawable from block #${c.unlockAt}`),
      ].join('\n'),
    );
    return 0;
  });
}

export async function runQuerySession(
  worker: string,
  options: QueryOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const key = toHex(parseWorkerPubkey(worker));
    const client = clientOf(options);
    const session = await callMethod(client, computationRpc.getSession, key);
    if (!session) throw new PhalanxError('SessionNotFound', `worker ${key} has never started a session`);
    if (options.json) {
      io.out(toJsonText(session));
      return 0;
    }
    const s = session;
    io.out(
      [
        `worker          ${s.worker}`,
        `state           ${s.state}${s.state === 'CoolingDown' ? ` (until block #${s.cooldownEnds})` : ''}`,
        `session         ${s.session} (started at block #${s.startedAt})`,
        `operator        ${s.operator}`,
        `challenge       ${s.pending ? `open since block #${s.pending.block}, deadline #${s.pending.deadline}` : 'none open'}`,
        `last challenge  ${blockOrNever(s.lastChallengeBlock)}`,
        `last heartbeat  ${blockOrNever(s.lastHeartbeatBlock)}`,
        `strikes         ${s.strikes}`,
        `misses          ${s.misses}`,
        `contracts       ${s.contracts}`,
        `weight          ${s.weight}`,
        `rewards         ${amount(s.rewards)} paid, ${amount(s.accrued)} accrued`,
      ].join('\n'),
    );
    return 0;
  });
}

export interface SessionsOptions extends QueryOptions {
  state?: string;
  startAfter?: string;
  limit?: string;
}

function sessionRow(s: SessionJson): string[] {
  return [
    s.worker,
    s.state,
    String(s.session),
    blockOrNever(s.lastHeartbeatBlock),
    s.pending ? `#${s.pending.block} (deadline #${s.pending.deadline})` : '-',
    String(s.strikes),
    String(s.misses),
    String(s.contracts),
  ];
}

export async function runQuerySessions(options: SessionsOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const filter = {
      ...(options.state === undefined ? {} : { state: parseSessionState(options.state) }),
      ...(options.startAfter === undefined
        ? {}
        : { startAfter: toHex(parseWorkerPubkey(options.startAfter)) }),
      ...(options.limit === undefined
        ? {}
        : { limit: parseCount(options.limit, '--limit', 1, MAX_SESSION_PAGE) }),
    };
    const client = clientOf(options);
    const page = await callMethod(client, computationRpc.listSessions, filter);
    if (options.json) {
      io.out(toJsonText(page));
      return 0;
    }
    if (page.sessions.length === 0) io.out(`no sessions${options.state ? ` in state ${filter.state}` : ''}`);
    else {
      const header = [
        'WORKER',
        'STATE',
        'SESSION',
        'HEARTBEAT',
        'OPEN CHALLENGE',
        'STRIKES',
        'MISSES',
        'CONTRACTS',
      ];
      io.out(table(header, page.sessions.map(sessionRow)));
    }
    // One page per call, read at one block: the cursor resumes by key at whatever block comes next.
    if (page.next !== null) io.out(`more: --start-after ${page.next}`);
    return 0;
  });
}

export async function runQueryChallenges(
  block: string | undefined,
  options: QueryOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const number = block === undefined ? undefined : parseCount(block, 'block', 0, 0xffff_ffff);
    const client = clientOf(options);
    const c = await callMethod(client, computationRpc.getChallenges, number);
    if (options.json) {
      io.out(toJsonText(c));
      return 0;
    }
    const lines = [
      `best block #${c.atBlock}: ${c.inSession} workers in session, ${c.expectedHeartbeats} challenge(s) expected per block`,
      `challenged at #${c.block} and still open: ${c.challenged.length === 0 ? 'none' : ''}`.trimEnd(),
      ...c.challenged.map((x) => `  ${x.worker} session ${x.session}, deadline #${x.deadline}`),
      `open challenges: ${c.pending.length === 0 ? 'none' : ''}`.trimEnd(),
      ...c.pending.map(
        (x) => `  ${x.worker} session ${x.session}, challenged #${x.block}, deadline #${x.deadline}`,
      ),
    ];
    io.out(lines.join('\n'));
    return 0;
  });
}

export async function runQueryAssignments(
  contractId: string | undefined,
  options: QueryOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const id = contractId === undefined ? undefined : parseCount(contractId, 'contractId', 0, 0xffff_ffff);
    const client = clientOf(options);
    const contracts = await callMethod(client, contractsRpc.getAssignments, id);
    if (id !== undefined && contracts.length === 0) {
      throw new PhalanxError('ContractNotFound', `no contract ${id} is deployed`);
    }
    if (options.json) {
      io.out(toJsonText(id === undefined ? contracts : contracts[0]));
      return 0;
    }
    if (contracts.length === 0) {
      io.out('no contracts deployed');
      return 0;
    }
    const lines: string[] = [];
    for (const c of contracts) {
      const short = c.workers.length < c.replicas ? ' (understaffed)' : '';
      lines.push(
        `contract ${c.contract}  code ${c.codeHash}  owner ${c.owner}`,
        `  deployed at block #${c.deployedAt}, deposit ${amount(c.deposit)}`,
        `  replicas ${c.workers.length}/${c.replicas}${short}`,
        ...c.workers.map((w) => `    ${w}`),
      );
    }
    io.out(lines.join('\n'));
    return 0;
  });
}

const RPC_HELP = 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)';

/** Adds the liveness queries under `query` (see registerQueryCommands). */
export function registerLivenessQueryCommands(query: Command, io: OutputSink = processSink): void {
  query
    .command('stake')
    .description("a worker's stake: owner, active, unbonding, whether a session locks it")
    .argument('<worker>', "the worker's identity key (0x-hex or phx1...)")
    .option('--rpc <url>', RPC_HELP)
    .option('--json', 'print JSON')
    .action(async (worker: string, options: QueryOptions) => {
      process.exitCode = await runQueryStake(worker, options, io);
    });
  query
    .command('session')
    .description("a worker's session: state, open challenge, last heartbeat, strikes, misses, rewards")
    .argument('<worker>', "the worker's identity key (0x-hex or phx1...)")
    .option('--rpc <url>', RPC_HELP)
    .option('--json', 'print JSON')
    .action(async (worker: string, options: QueryOptions) => {
      process.exitCode = await runQuerySession(worker, options, io);
    });
  query
    .command('sessions')
    .description('one page of sessions in worker-key order, optionally of one state')
    .option('--state <state>', `only sessions in this state (${SESSION_STATES.join(', ')})`)
    .option('--start-after <worker>', 'resume after this worker (the `more:` line of the previous page)')
    .option('--limit <n>', `page size, 1 to ${MAX_SESSION_PAGE} (default: the node's, 100)`)
    .option('--rpc <url>', RPC_HELP)
    .option('--json', 'print JSON')
    .action(async (options: SessionsOptions) => {
      process.exitCode = await runQuerySessions(options, io);
    });
  query
    .command('challenges')
    .description(
      'workers challenged at a block (default: the best) and every open challenge with its deadline',
    )
    .argument('[block]', 'block number')
    .option('--rpc <url>', RPC_HELP)
    .option('--json', 'print JSON')
    .action(async (block: string | undefined, options: QueryOptions) => {
      process.exitCode = await runQueryChallenges(block, options, io);
    });
  query
    .command('assignments')
    .description('contracts and the workers holding them (or one contract by id)')
    .argument('[contractId]', 'contract id')
    .option('--rpc <url>', RPC_HELP)
    .option('--json', 'print JSON')
    .action(async (contractId: string | undefined, options: QueryOptions) => {
      process.exitCode = await runQueryAssignments(contractId, options, io);
    });
}
