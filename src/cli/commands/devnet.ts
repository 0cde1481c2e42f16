// `phalanx devnet`: a local development network in one command: a sealing node on the development
// genesis (dev accounts funded, alice the authority and sudo key, the devnet's INSECURE sim root
// trusted) serving RPC and the dashboard, plus a gatekeeper and sim workers, each its own
// `phalanx worker` process. Each part is a `DevnetService`, started in order and stopped in reverse.
//
// Decisions (ARCHITECTURE.md): the node runs inside the devnet process (the devnet is the node's
// process; it needs the node's address before it can start anyone else), the workers are child
// processes of the same CLI entry. A child that exits unexpectedly is reported on stderr and
// restarted on the same data folder (so with the same sealed identity); one that keeps failing
// right after start is given up on. Children's PIDs are kept in <data>/devnet-pids.json and their
// logs in <data>/logs/.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { DEV_ACCOUNT_NAMES, devKeypair } from '../../codec/devKeys.js';
import { runNode } from '../../node/runNode.js';
import { lockDataDir } from '../../node/store/lockDataDir.js';
import type { StatePruning } from '../../node/store/statePruning.js';
import { createDevGenesisConfig, DEV_ENDOWMENT, type GenesisConfig } from '../../runtime/index.js';
import { loadOrCreateSimPki } from '../../worker/host/loadOrCreateSimPki.js';
import { dashboardDir, defaultDataDir } from '../dataDirs.js';
import { formatAmount, runAction, toJsonText } from '../output.js';
import { DEFAULT_RPC_PORT } from '../rpcUrl.js';
import {
  killNow,
  type SupervisedProcess,
  type SupervisorEvent,
  superviseProcess,
} from '../superviseProcess.js';
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

export interface Devnet {
  dataDir: string;
  rpcUrl: string;
  wsUrl: string;
  chain: string;
  genesisHash: Uint8Array;
  /** Where the dashboard is served (the RPC port), if the package has one. */
  dashboardUrl: string | undefined;
  services: DevnetService[];
  /** The gatekeeper and worker processes, by name (gatekeeper, worker-1, ...). */
  processes: SupervisedProcess[];
  /** Stops the services in reverse order; a --tmp data folder is removed. Idempotent. */
  close(): Promise<void>;
}

export async function startDevnet(options: {
  dataDir: string;
  removeDataDir: boolean;
  rpcPort: number;
  blockIntervalMs: number;
  logLevel: string;
  /** Sim workers besides the gatekeeper; undefined: node only (no gatekeeper either). */
  workers?: number;
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
  try {
    // INSECURE: the sim PKI every devnet worker quotes under; the genesis trusts its root. Kept in
    // the data folder, so a persisted devnet keeps the same genesis.
    const simMachineDir = join(options.dataDir, 'sim-machine');
    const simPki = loadOrCreateSimPki(simMachineDir, Math.floor(Date.now() / 1000));
    const staticDir = dashboardDir();
    const node = await runNode({
      dataDir: join(options.dataDir, 'node'),
      genesis: loadOrCreateGenesis(
        options.dataDir,
        simPki.rootCertDer,
        options.attestationValidityMs,
        options.blockIntervalMs,
      ),
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

    if (options.workers !== undefined) {
      let lastWatchError: string | undefined;
      const watch = watchDevnetWorkers({
        rpcUrl: node.rpcUrl,
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
      const unsubscribe = node.node.subscribeNewHeads((head) => watch.onHead(head.signed.header.number));
      services.push({
        name: 'watch',
        close: async () => {
          unsubscribe();
          await watch.stop();
        },
      });
      // Stakes, sessions and a sample contract for the workers (not the gatekeeper), so that
      // heartbeats and a Serving worker show within a minute (issue 9).
      let lastLivenessError: string | undefined;
      const liveness = watchDevnetLiveness({
        rpcUrl: node.rpcUrl,
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
      const unsubscribeLiveness = node.node.subscribeNewHeads((head) =>
        liveness.onHead(head.signed.header.number),
      );
      services.push({
        name: 'liveness',
        close: async () => {
          unsubscribeLiveness();
          await liveness.stop();
        },
      });

      const logDir = join(options.dataDir, 'logs');
      mkdirSync(logDir, { recursive: true });
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
        // During start-up the list is still being filled; the last start writes the full file.
        if (processes.some((p) => p.name === event.name)) writePids();
      };
      const { command, prefix } = selfCommand();
      const children = [
        { name: 'gatekeeper', operator: DEVNET_GATEKEEPER_OPERATOR, gatekeeper: true },
        ...Array.from({ length: options.workers }, (_, i) => ({
          name: `worker-${i + 1}`,
          operator: WORKER_OPERATORS[i % WORKER_OPERATORS.length]!,
          gatekeeper: false,
        })),
      ];
      // Kill what is left if the devnet itself dies (an uncaught error): the children are in their
      // own process group and would otherwise outlive it.
      process.on('exit', killOnExit);
      for (const child of children) {
        const supervised = superviseProcess({
          name: child.name,
          command,
          args: [
            ...prefix,
            'worker',
            '--tee',
            'sim',
            '--rpc',
            node.rpcUrl,
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
            options.logLevel === 'warn' ? 'info' : options.logLevel,
            ...(child.gatekeeper ? ['--gatekeeper'] : []),
          ],
          logFile: join(logDir, `${child.name}.log`),
          onEvent,
        });
        processes.push(supervised);
        services.push({ name: child.name, close: () => supervised.stop() });
      }
      writePids();
    }
    return {
      dataDir: options.dataDir,
      rpcUrl: node.rpcUrl,
      wsUrl: node.wsUrl,
      chain: node.node.chainName,
      genesisHash: node.node.genesisHash,
      dashboardUrl: staticDir ? `${node.rpcUrl}/` : undefined,
      services,
      processes,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
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
    return kept;
  }
  // The liveness parameters follow the block time: each worker challenged about every 20 blocks. A
  // kept devnet keeps the rate of the block time it was created with (it is in the genesis hash).
  const genesis = createDevGenesisConfig({ simRoots: [simRootDer], blockTimeMs });
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

function describeDevnet(devnet: Devnet, tmp: boolean): string {
  const shownDir = relative(process.cwd(), devnet.dataDir).startsWith('..')
    ? devnet.dataDir
    : relative(process.cwd(), devnet.dataDir);
  const accounts = DEV_ACCOUNT_NAMES.map(
    (name) => `    ${name.padEnd(8)} ${encodeAddress(devKeypair(name).publicKey)}`,
  );
  const bob = encodeAddress(devKeypair('bob').publicKey);
  const processes = devnet.processes.map(
    (p) => `    ${p.name.padEnd(11)} pid ${p.pid ?? '?'}  log ${join(shownDir, 'logs', `${p.name}.log`)}`,
  );
  return [
    `Phalanx devnet "${devnet.chain}" is running.`,
    `  dashboard: ${devnet.dashboardUrl ?? '(not in this package)'}`,
    `  rpc:     ${devnet.rpcUrl}`,
    `  ws:      ${devnet.wsUrl}`,
    `  genesis: ${toHex(devnet.genesisHash)}`,
    `  data:    ${shownDir}${tmp ? ' (temporary, removed on exit)' : ' (kept across runs; --tmp for a throwaway chain)'}`,
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
    .option('--rpc-port <port>', `JSON-RPC/WebSocket port, 0 for any free one (default ${DEFAULT_RPC_PORT})`)
    .option('--block-time <ms>', 'block interval in milliseconds (default 500)')
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
