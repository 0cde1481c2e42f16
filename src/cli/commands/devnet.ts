// `phalanx devnet`: a local development network in one command: a sealing node on the development
// genesis (dev accounts funded, alice the authority and sudo key, the devnet's INSECURE sim root
// trusted) serving RPC and the dashboard, plus a gatekeeper and sim workers, each its own
// `phalanx worker` process. Each part is a `DevnetService`, started in order and stopped in reverse.
// With `--nodes N` (2-5) the chain runs on N nodes sharing an etcd cluster of N members (the etcd
// ordering): every node and every member is its own child process (startDevnetCluster.ts), node i
// sealing with dev key i (alice, bob, …), which the genesis names as the authorities.
//
// Decisions (ARCHITECTURE.md): a single node runs inside the devnet process (the devnet is the
// node's process; it needs the node's address before it can start anyone else); a cluster's nodes
// and etcd members, and the workers, are child processes (the nodes and workers of the same CLI
// entry). A child that exits unexpectedly is reported on stderr and restarted on the same data
// folder and flags (so with the same sealed identity, the same store, the same etcd membership);
// one that keeps failing right after start is given up on. Children's PIDs are kept by name in
// <data>/devnet-pids.json and their logs in <data>/logs/. The devnet follows the chain over RPC in
// both cases (watchDevnetHeads.ts), and spreads the workers over the nodes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getChainInfo } from '../../client/getChainInfo.js';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { DEV_ACCOUNT_NAMES, devKeypair } from '../../codec/devKeys.js';
import type { Keypair } from '../../codec/keys.js';
import { runNode } from '../../node/runNode.js';
import { lockDataDir } from '../../node/store/lockDataDir.js';
import type { StatePruning } from '../../node/store/statePruning.js';
import { createDevGenesisConfig, DEV_ENDOWMENT, type GenesisConfig } from '../../runtime/index.js';
import { loadOrCreateSimPki } from '../../worker/host/loadOrCreateSimPki.js';
import { dashboardDir, defaultDataDir } from '../dataDirs.js';
import { formatAmount, runAction, toJsonText } from '../output.js';
import { DEFAULT_RPC_PORT } from '../rpcUrl.js';
import { requireEtcd, startDevnetCluster } from '../startDevnetCluster.js';
import {
  killNow,
  type SupervisedProcess,
  type SupervisorEvent,
  superviseProcess,
} from '../superviseProcess.js';
import { watchDevnetHeads } from '../watchDevnetHeads.js';
import { watchDevnetLiveness } from '../watchDevnetLiveness.js';
import { watchDevnetWorkers } from '../watchDevnetWorkers.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';
import { parseBlockTime, parsePort, parseRpcAccess, parseStatePruning, STATE_PRUNING_HELP } from './node.js';

/** Operator accounts of the devnet's processes: alice (sudo) and bob stay free for the user. */
export const DEVNET_GATEKEEPER_OPERATOR = 'charlie';
const WORKER_OPERATORS = ['dave', 'eve', 'ferdie'] as const;
export const DEFAULT_DEVNET_WORKERS = 3;
/** More workers than funded operators share operators; their hosts retry the nonce races. */
const MAX_DEVNET_WORKERS = 32;
export const DEVNET_PIDS_FILE = 'devnet-pids.json';
/** `--nodes`: one node alone (solo ordering), or an etcd cluster of 2 to 5 nodes, one dev key each. */
export const MAX_DEVNET_NODES = 5;

/** The argv that runs this same `phalanx` entry again: bin/phalanx.js, or `--import tsx src/cli/main.ts`. */
export function selfCommand(): { command: string; prefix: string[] } {
  const entry = process.argv[1];
  if (entry === undefined) throw new Error('cannot tell which script runs the phalanx CLI');
  // A debugger flag would make every child fight for the same inspector port.
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
  return { command: process.execPath, prefix: [...execArgv, entry] };
}

export interface DevnetOptions {
  dataDir?: string;
  tmp?: boolean;
  rpcPort?: string;
  blockTime?: string;
  logLevel?: string;
  json?: boolean;
  /** `--workers N` gives a string; `--no-workers` gives false. */
  workers?: string | boolean;
  nodes?: string;
  statePruning?: string;
  /** `--attestation-validity`: how long a registration lasts on a new devnet's genesis. */
  attestationValidity?: string;
  rpcAllowedHosts?: string;
  rpcCors?: string;
}

export interface DevnetService {
  name: string;
  close(): Promise<void>;
}

/** One node of the devnet: `node` alone, or node-1 … node-N of a cluster. */
export interface DevnetNode {
  name: string;
  rpcUrl: string;
  wsUrl: string;
}

export interface Devnet {
  dataDir: string;
  /** The first node's addresses (the only node's, without --nodes). */
  rpcUrl: string;
  wsUrl: string;
  /** Every node; the first is the one `rpcUrl` names. */
  nodes: DevnetNode[];
  /** The etcd cluster's client URLs; empty for a single node. */
  etcdEndpoints: string[];
  chain: string;
  genesisHash: Uint8Array;
  /** Where the dashboard is served (the RPC port), if the package has one. */
  dashboardUrl: string | undefined;
  services: DevnetService[];
  /** The child processes by name: etcd-1…, node-1… (with --nodes), gatekeeper, worker-1, ... */
  processes: SupervisedProcess[];
  /** Stops the services in reverse order; a --tmp data folder is removed. Idempotent. */
  close(): Promise<void>;
}

export async function startDevnet(options: {
  dataDir: string;
  removeDataDir: boolean;
  /** The node's RPC port; with `nodes` > 1, node-1's, the next nodes' following it (0: free ports). */
  rpcPort: number;
  blockIntervalMs: number;
  logLevel: string;
  /** Sim workers besides the gatekeeper; undefined: node only (no gatekeeper either). */
  workers?: number;
  /** Nodes (default 1: one solo node in this process); 2 or more: an etcd cluster of child processes. */
  nodes?: number;
  /** Lines for humans about the devnet's children (default: stderr). */
  report?: (line: string) => void;
  /** The node's `--state-pruning` (default DEFAULT_STATE_PRUNING). */
  statePruning?: StatePruning;
  /** Registration validity (ms) written into a new devnet's genesis (default: the dev genesis's day). */
  attestationValidityMs?: number;
  /** See `RunNodeOptions`. */
  rpcAllowedHosts?: readonly string[];
  rpcAllowedOrigins?: readonly string[];
}): Promise<Devnet> {
  // Logs go to stderr: stdout carries the addresses that scripts and tests read.
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nodeCount = options.nodes ?? 1;
  // Before anything is written: a genesis made for N nodes would bind the data folder to --nodes N.
  if (nodeCount > 1) requireEtcd(nodeCount);
  const services: DevnetService[] = [];
  const processes: SupervisedProcess[] = [];
  const killOnExit = () => killNow(processes);
  // A second devnet on the same folder would share the node's store and the workers' identities:
  // refuse it before touching anything (the node's own store lock alone comes too late for that).
  mkdirSync(options.dataDir, { recursive: true });
  const lock = lockDataDir(options.dataDir);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const service of services.toReversed()) {
        await service
          .close()
          .catch((error: unknown) => logger.error({ err: error, service: service.name }, 'stop failed'));
      }
      process.off('exit', killOnExit);
      lock.release();
      if (options.removeDataDir) await rm(options.dataDir, { recursive: true, force: true });
    })();
    return closing;
  };
  const logDir = join(options.dataDir, 'logs');
  const pidsFile = join(options.dataDir, DEVNET_PIDS_FILE);
  const writePids = () => {
    const children = Object.fromEntries(
      processes.map((p) => [p.name, { pid: p.pid ?? null, dataDir: join(options.dataDir, p.name) }]),
    );
    // Written whole and renamed, so a reader never sees half a file.
    writeFileSync(`${pidsFile}.tmp`, `${JSON.stringify({ devnet: process.pid, children }, null, 2)}\n`);
    renameSync(`${pidsFile}.tmp`, pidsFile);
  };
  const onEvent = (event: SupervisorEvent) => {
    if (event.kind === 'exited') {
      const how = event.signal ? `signal ${event.signal}` : `exit code ${event.code}`;
      report(`${event.name} (pid ${event.pid}) exited unexpectedly (${how})`);
    } else if (event.kind === 'restarting') {
      report(`restarting ${event.name} in ${event.inMs} ms (same data folder, same identity)`);
    } else if (event.kind === 'gaveUp') {
      report(
        `${event.name} failed ${event.failures} times right after starting; not restarting it (see logs/${event.name}.log)`,
      );
    } else if (event.restarts > 0) {
      report(`${event.name} restarted (pid ${event.pid})`);
    }
    // A child's first start is written by `supervise` once it is in the list.
    if (processes.some((p) => p.name === event.name)) writePids();
  };
  const supervise = (name: string, command: string, args: readonly string[]): SupervisedProcess => {
    if (processes.length === 0) {
      mkdirSync(logDir, { recursive: true });
      // Kill what is left if the devnet itself dies (an uncaught error): the children are in their
      // own process group and would otherwise outlive it.
      process.on('exit', killOnExit);
    }
    const supervised = superviseProcess({
      name,
      command,
      args,
      logFile: join(logDir, `${name}.log`),
      onEvent,
    });
    processes.push(supervised);
    // At once, so that a devnet killed while it starts still names every child it started.
    writePids();
    return supervised;
  };
  /**
   * One service stopping a group of children: a cluster's nodes together; its etcd members one after
   * another, last started first. Members stopped together hang: the leader's stop hands leadership
   * to a peer that is stopping too, and waits about 7 s for it (measured on etcd 3.4); one after
   * another, each stop takes some 20 ms.
   */
  const addGroup = (name: string, order: 'together' | 'inTurn'): SupervisedProcess[] => {
    const group: SupervisedProcess[] = [];
    services.push({
      name,
      close: async () => {
        if (order === 'together') await Promise.all(group.map((p) => p.stop()));
        else for (const p of group.toReversed()) await p.stop();
      },
    });
    return group;
  };
  try {
    // INSECURE: the sim PKI every devnet worker quotes under; the genesis trusts its root. Kept in
    // the data folder, so a persisted devnet keeps the same genesis.
    const simMachineDir = join(options.dataDir, 'sim-machine');
    const simPki = loadOrCreateSimPki(simMachineDir, Math.floor(Date.now() / 1000));
    const staticDir = dashboardDir();
    // One dev key per node; a single node keeps the dev genesis's own authority (alice).
    const authorities =
      nodeCount === 1 ? undefined : DEV_ACCOUNT_NAMES.slice(0, nodeCount).map((name) => devKeypair(name));
    const genesis = loadOrCreateGenesis(
      options.dataDir,
      simPki.rootCertDer,
      options.attestationValidityMs,
      options.blockIntervalMs,
      authorities,
    );
    let nodes: DevnetNode[];
    let etcdEndpoints: string[] = [];
    let chain: string;
    let genesisHash: Uint8Array;
    if (authorities === undefined) {
      const node = await runNode({
        dataDir: join(options.dataDir, 'node'),
        genesis,
        role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
        blockIntervalMs: options.blockIntervalMs,
        rpcPort: options.rpcPort,
        ...(options.statePruning === undefined ? {} : { statePruning: options.statePruning }),
        ...(options.rpcAllowedHosts ? { rpcAllowedHosts: options.rpcAllowedHosts } : {}),
        ...(options.rpcAllowedOrigins ? { rpcAllowedOrigins: options.rpcAllowedOrigins } : {}),
        logger,
        handleSignals: false,
        ...(staticDir ? { staticDir } : {}),
      });
      services.push({ name: 'node', close: () => node.close() });
      nodes = [{ name: 'node', rpcUrl: node.rpcUrl, wsUrl: node.wsUrl }];
      chain = node.node.chainName;
      genesisHash = node.node.genesisHash;
    } else {
      // Stopped last: workers first, then the nodes (each resigns its etcd lease), then etcd.
      const etcdGroup = addGroup('etcd', 'inTurn');
      const nodeGroup = addGroup('nodes', 'together');
      const cluster = await startDevnetCluster({
        dataDir: options.dataDir,
        authorities,
        genesisFile: join(options.dataDir, 'genesis.json'),
        rpcPort: options.rpcPort,
        blockIntervalMs: options.blockIntervalMs,
        logLevel: childLogLevel(options.logLevel),
        cli: selfCommand(),
        supervise: (group, name, command, args) => {
          const supervised = supervise(name, command, args);
          (group === 'etcd' ? etcdGroup : nodeGroup).push(supervised);
          return supervised;
        },
        logFile: (name) => join(logDir, `${name}.log`),
        ...(options.statePruning === undefined ? {} : { statePruning: options.statePruning }),
        ...(options.rpcAllowedHosts ? { rpcAllowedHosts: options.rpcAllowedHosts } : {}),
        ...(options.rpcAllowedOrigins ? { rpcAllowedOrigins: options.rpcAllowedOrigins } : {}),
      });
      nodes = cluster.nodes;
      etcdEndpoints = cluster.etcdEndpoints;
      const client = createHttpClient(nodes[0]!.rpcUrl);
      try {
        ({ chain, genesisHash } = await getChainInfo(client));
      } finally {
        await client.close();
      }
    }
    const rpcUrls = nodes.map((n) => n.rpcUrl);

    if (options.workers !== undefined) {
      let lastWatchError: string | undefined;
      const watch = watchDevnetWorkers({
        rpcUrl: rpcUrls[0]!,
        sudo: devKeypair('alice'),
        gatekeeperOperator: devKeypair(DEVNET_GATEKEEPER_OPERATOR).publicKey,
        expectedWorkers: options.workers + 1,
        report,
        onError: (error) => {
          // Once per distinct failure, not once per block.
          const message = (error as Error).message ?? String(error);
          if (message === lastWatchError) return;
          lastWatchError = message;
          logger.warn({ err: error }, 'devnet watch failed; retrying every block');
        },
      });
      services.push({ name: 'watch', close: () => watch.stop() });
      // Stakes, sessions and a sample contract for the workers (not the gatekeeper), so that
      // heartbeats and a Serving worker show within a minute (issue 9).
      let lastLivenessError: string | undefined;
      const liveness = watchDevnetLiveness({
        rpcUrl: rpcUrls[0]!,
        operators: [...new Set(WORKER_OPERATORS.slice(0, options.workers))].map((name) => devKeypair(name)),
        deployer: devKeypair('alice'),
        expectedWorkers: options.workers,
        report,
        onError: (error) => {
          const message = (error as Error).message ?? String(error);
          if (message === lastLivenessError) return;
          lastLivenessError = message;
          logger.warn({ err: error }, 'devnet liveness set-up failed; retrying every block');
        },
      });
      services.push({ name: 'liveness', close: () => liveness.stop() });
      let lastHeadError: string | undefined;
      const heads = watchDevnetHeads({
        rpcUrls,
        intervalMs: devnetPollIntervalMs(options.blockIntervalMs),
        onHead: (number) => {
          watch.onHead(number);
          liveness.onHead(number);
        },
        onError: (error, rpcUrl) => {
          const message = `${rpcUrl}: ${(error as Error).message ?? String(error)}`;
          if (message === lastHeadError) return;
          lastHeadError = message;
          logger.warn({ err: error, rpcUrl }, 'devnet head watch: node did not answer; asking the next');
        },
      });
      // Stopped before the watches it drives.
      services.push({ name: 'heads', close: () => heads.stop() });

      const { command, prefix } = selfCommand();
      const children = [
        { name: 'gatekeeper', operator: DEVNET_GATEKEEPER_OPERATOR, gatekeeper: true },
        ...Array.from({ length: options.workers }, (_, i) => ({
          name: `worker-${i + 1}`,
          operator: WORKER_OPERATORS[i % WORKER_OPERATORS.length]!,
          gatekeeper: false,
        })),
      ];
      for (const [i, child] of children.entries()) {
        const supervised = supervise(child.name, command, [
          ...prefix,
          'worker',
          '--tee',
          'sim',
          '--rpc',
          // Spread over the nodes: the gatekeeper on the first, worker i on node i mod N.
          rpcUrls[i % rpcUrls.length]!,
          '--data-dir',
          join(options.dataDir, child.name),
          '--sim-machine-dir',
          simMachineDir,
          '--dev',
          child.operator,
          // A round per half block: a challenge is seen within a block or so of being issued.
          '--poll-interval',
          String(devnetPollIntervalMs(options.blockIntervalMs)),
          '--log-level',
          childLogLevel(options.logLevel),
          ...(child.gatekeeper ? ['--gatekeeper'] : []),
        ]);
        services.push({ name: child.name, close: () => supervised.stop() });
      }
    }
    return {
      dataDir: options.dataDir,
      rpcUrl: nodes[0]!.rpcUrl,
      wsUrl: nodes[0]!.wsUrl,
      nodes,
      etcdEndpoints,
      chain,
      genesisHash,
      // Every node serves the dashboard (the `phalanx node` children find the same web/ folder).
      dashboardUrl: staticDir ? `${nodes[0]!.rpcUrl}/` : undefined,
      services,
      processes,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The children's pino level: the devnet's default `warn` would hide their progress in logs/. */
function childLogLevel(devnetLevel: string): string {
  return devnetLevel === 'warn' ? 'info' : devnetLevel;
}

/**
 * The devnet's genesis config, written on first start and read back after: the sim root's DER is
 * not reproducible from the sim PKI file (its self-signature is randomised), so rebuilding the
 * config would give another genesis hash and the kept chain would no longer open.
 */
function loadOrCreateGenesis(
  dataDir: string,
  simRootDer: Uint8Array,
  attestationValidityMs: number | undefined,
  blockTimeMs: number,
  authorities: readonly Keypair[] | undefined,
): unknown {
  const file = join(dataDir, 'genesis.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as GenesisConfig;
    // The policy is in the genesis hash: a kept chain cannot take another validity.
    const keptValidity = String(kept.registry?.policy?.attestationValidityMs);
    if (attestationValidityMs !== undefined && keptValidity !== String(attestationValidityMs)) {
      throw new UsageError(
        `--attestation-validity: this devnet's genesis (${file}) says ${keptValidity} ms; the flag applies to a new devnet (--tmp or another --data-dir)`,
      );
    }
    // So are the authorities, one per node: a kept chain runs on as many nodes as it was made for.
    const keptAuthorities = kept.system?.authorities ?? [];
    const wanted = (authorities ?? [devKeypair('alice')]).map((k) => encodeAddress(k.publicKey));
    if (keptAuthorities.join() !== wanted.join()) {
      throw new UsageError(
        `--nodes: this devnet's genesis (${file}) names ${keptAuthorities.length} authorities, one per node; run it with --nodes ${keptAuthorities.length}, or use --tmp or another --data-dir`,
      );
    }
    return kept;
  }
  // The liveness parameters follow the block time: each worker challenged about every 20 blocks. A
  // kept devnet keeps the rate of the block time it was created with (it is in the genesis hash).
  const genesis = createDevGenesisConfig({
    simRoots: [simRootDer],
    blockTimeMs,
    ...(authorities ? { authorities: authorities.map((k) => k.publicKey) } : {}),
  });
  if (attestationValidityMs !== undefined) {
    genesis.registry.policy = {
      ...genesis.registry.policy,
      attestationValidityMs: String(attestationValidityMs),
    };
  }
  // A real genesis time bounds block 1's timestamp too (one hour after its parent's), also for
  // workers' light clients, which take no clock; only the genesis header carries it.
  const dated = { timestamp: Date.now(), ...genesis };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(dated, null, 2)}\n`);
  return dated;
}

/** The workers' `--poll-interval` on a devnet: half a block, within 50 ms..1 s. */
export function devnetPollIntervalMs(blockIntervalMs: number): number {
  return Math.min(1000, Math.max(50, Math.floor(blockIntervalMs / 2)));
}

/** Shortest `--attestation-validity`: a worker must register and re-attest within it, a few blocks each. */
const MIN_ATTESTATION_VALIDITY_MS = 10_000;
/** Longest: the registry policy's own limit (366 days). */
const MAX_ATTESTATION_VALIDITY_MS = 366 * 24 * 3600 * 1000;
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--attestation-validity 30s` (ms, s, m or h; bare numbers are ms) -> milliseconds. */
export function parseAttestationValidity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value);
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 'ms']! : Number.NaN;
  if (!(ms >= MIN_ATTESTATION_VALIDITY_MS && ms <= MAX_ATTESTATION_VALIDITY_MS)) {
    throw new UsageError(
      `--attestation-validity: expected 10s to 366 days (e.g. 30s, 10m, 24h), got "${value}"`,
    );
  }
  return ms;
}

/** `--workers N` / `--no-workers` -> workers besides the gatekeeper, or undefined for none at all. */
export function parseWorkers(value: string | boolean | undefined): number | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return DEFAULT_DEVNET_WORKERS;
  const count = Number(value);
  if (!/^\d+$/.test(value) || count > MAX_DEVNET_WORKERS) {
    throw new UsageError(`--workers: expected 0-${MAX_DEVNET_WORKERS}, got "${value}"`);
  }
  return count;
}

/** `--nodes N` -> nodes: 1 (one solo node, the default) or an etcd cluster of 2 to MAX_DEVNET_NODES. */
export function parseNodes(value: string | undefined): number {
  if (value === undefined) return 1;
  const count = Number(value);
  if (!/^\d{1,2}$/.test(value) || count < 1 || count > MAX_DEVNET_NODES) {
    throw new UsageError(`--nodes: expected 1-${MAX_DEVNET_NODES}, got "${value}"`);
  }
  return count;
}

function describeDevnet(devnet: Devnet, tmp: boolean): string {
  const shownDir = relative(process.cwd(), devnet.dataDir).startsWith('..')
    ? devnet.dataDir
    : relative(process.cwd(), devnet.dataDir);
  const accounts = DEV_ACCOUNT_NAMES.map(
    (name) => `    ${name.padEnd(8)} ${encodeAddress(devKeypair(name).publicKey)}`,
  );
  const bob = encodeAddress(devKeypair('bob').publicKey);
  const line = (p: SupervisedProcess, extra = '') =>
    `    ${p.name.padEnd(11)}${extra} pid ${p.pid ?? '?'}  log ${join(shownDir, 'logs', `${p.name}.log`)}`;
  const byName = new Map(devnet.processes.map((p) => [p.name, p]));
  const isClusterChild = (p: SupervisedProcess) => /^(node|etcd)-\d+$/.test(p.name);
  const processes = devnet.processes.filter((p) => !isClusterChild(p)).map((p) => line(p));
  const cluster =
    devnet.etcdEndpoints.length === 0
      ? []
      : [
          `  nodes (etcd ordering: every node takes transactions and re-executes every block; one proposes at a time):`,
          ...devnet.nodes.map((node) => {
            const p = byName.get(node.name);
            return p ? line(p, ` ${node.rpcUrl.padEnd(23)}`) : `    ${node.name.padEnd(11)} ${node.rpcUrl}`;
          }),
          `  etcd (Raft; crash faults only): ${devnet.etcdEndpoints.join(',')}`,
          ...devnet.processes.filter((p) => p.name.startsWith('etcd-')).map((p) => line(p)),
        ];
  return [
    `Phalanx devnet "${devnet.chain}" is running.`,
    `  dashboard: ${devnet.dashboardUrl ?? '(not in this package)'}`,
    `  rpc:     ${devnet.rpcUrl}`,
    `  ws:      ${devnet.wsUrl}`,
    `  genesis: ${toHex(devnet.genesisHash)}`,
    `  data:    ${shownDir}${tmp ? ' (temporary, removed on exit)' : ' (kept across runs; --tmp for a throwaway chain)'}`,
    ...cluster,
    `  development accounts, ${formatAmount(DEV_ENDOWMENT)} each at genesis (anyone can sign as them):`,
    ...accounts,
    ...(processes.length > 0
      ? [
          `  sim workers (INSECURE simulated TEE; gatekeeper operated by ${DEVNET_GATEKEEPER_OPERATOR}, added by sudo once registered):`,
          ...processes,
        ]
      : ['  no workers (--no-workers)']),
    'Try:',
    `  phalanx query workers --rpc ${devnet.rpcUrl}`,
    `  phalanx tx balances transfer --dev alice --to ${bob} --amount 1PHX --wait --rpc ${devnet.rpcUrl}`,
    `  phalanx query account ${bob} --rpc ${devnet.rpcUrl}`,
    'Stop with Ctrl-C.',
  ].join('\n');
}

/** Runs until SIGINT/SIGTERM; resolves with the exit status. */
export async function runDevnet(options: DevnetOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    if (options.tmp && options.dataDir !== undefined)
      throw new UsageError('give --tmp or --data-dir, not both');
    const rpcPort = parsePort(options.rpcPort, DEFAULT_RPC_PORT);
    const blockIntervalMs = parseBlockTime(options.blockTime, 500);
    const workers = parseWorkers(options.workers);
    const nodes = parseNodes(options.nodes);
    const attestationValidityMs = parseAttestationValidity(options.attestationValidity);
    const statePruning = parseStatePruning(options.statePruning);
    const access = parseRpcAccess(options);
    const dataDir = options.tmp
      ? await mkdtemp(join(tmpdir(), 'phalanx-devnet-'))
      : (options.dataDir ?? defaultDataDir('devnet'));
    const devnet = await startDevnet({
      dataDir,
      removeDataDir: options.tmp === true,
      rpcPort,
      blockIntervalMs,
      logLevel: options.logLevel ?? 'warn',
      report: (line) => io.err(line),
      statePruning,
      ...access,
      ...(workers === undefined ? {} : { workers }),
      nodes,
      ...(attestationValidityMs === undefined ? {} : { attestationValidityMs }),
    });
    const stopped = new Promise<void>((resolve) => {
      const onSignal = () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        devnet.close().then(resolve, resolve);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    io.out(
      options.json
        ? toJsonText(
            {
              rpcUrl: devnet.rpcUrl,
              wsUrl: devnet.wsUrl,
              nodes: devnet.nodes,
              etcd: devnet.etcdEndpoints,
              dashboardUrl: devnet.dashboardUrl ?? null,
              pidsFile: devnet.processes.length > 0 ? join(devnet.dataDir, DEVNET_PIDS_FILE) : null,
              chain: devnet.chain,
              genesisHash: devnet.genesisHash,
              dataDir: devnet.dataDir,
            },
            0,
          )
        : describeDevnet(devnet, options.tmp === true),
    );
    await stopped;
    io.err('devnet stopped');
    return 0;
  });
}

export function registerDevnetCommand(program: Command, io: OutputSink = processSink): void {
  program
    .command('devnet')
    .description(
      'run a local development network: a node with the dashboard, a gatekeeper and sim workers (INSECURE sim TEE)',
    )
    .option('--data-dir <dir>', 'where the chain is kept (default $PHALANX_HOME/devnet or .phalanx/devnet)')
    .option('--tmp', 'use a throwaway data folder, removed on exit')
    .option(
      '--rpc-port <port>',
      `JSON-RPC/WebSocket port (with --nodes, the first node's; the others take the next ones), 0 for any free one (default ${DEFAULT_RPC_PORT})`,
    )
    .option('--block-time <ms>', 'block interval in milliseconds (default 500)')
    .option(
      '--nodes <n>',
      `chain nodes: 1 (default) runs one node alone; 2-${MAX_DEVNET_NODES} run an etcd cluster of as many members (Debian's etcd-server) and as many nodes, each its own process`,
    )
    .option(
      '--rpc-allowed-hosts <names>',
      'comma list of host names the RPC port answers to besides localhost, 127.0.0.1 and [::1]; * for any',
    )
    .option('--rpc-cors <origins>', 'comma list of web origins whose pages may use the RPC port; * for any')
    .option('--log-level <level>', 'pino log level for stderr (default warn)')
    .option('--state-pruning <blocks|archive>', STATE_PRUNING_HELP)
    .option('--workers <n>', `sim workers besides the gatekeeper (default ${DEFAULT_DEVNET_WORKERS})`)
    .option(
      '--attestation-validity <duration>',
      'how long a registration lasts before the worker must re-attest, on a new devnet: 30s, 10m, 24h (default 24h)',
    )
    .option('--no-workers', 'run the node alone: no gatekeeper, no workers')
    .option('--json', 'print the addresses as one JSON line')
    .action(async (options: DevnetOptions) => {
      process.exitCode = await runDevnet(options, io);
    });
}
