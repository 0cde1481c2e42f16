// `phalanx node`: one chain node with its RPC port, as a long-running process. It seals blocks alone
// (solo: --authority-key, or --dev for the development chain's authority), follows another node's
// RPC (--follow URL) and re-executes every block, or is one of a cluster sharing an etcd block log
// (--ordering etcd --etcd URLs, with its own --authority-key).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import pino from 'pino';
import { bytesToHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { ed25519FromSeed } from '../../codec/keys.js';
import { DEFAULT_MAX_BLOCK_EXTRINSICS } from '../../node/createChain.js';
import type { NodeRole } from '../../node/createNode.js';
import { NODE_NAME_PATTERN } from '../../node/ordering/etcd/etcdLayout.js';
import { DEFAULT_MAX_POOL_SIZE } from '../../node/pool/createTransactionPool.js';
import { createAccessPolicy } from '../../node/rpc/checkAccess.js';
import { runNode } from '../../node/runNode.js';
import {
  DEFAULT_STATE_PRUNING,
  isValidStatePruning,
  MAX_STATE_PRUNING,
  type StatePruning,
} from '../../node/store/statePruning.js';
import { createDevGenesisConfig } from '../../runtime/index.js';
import { dashboardDir, defaultDataDir } from '../dataDirs.js';
import { readKeyFile } from '../keyFile.js';
import { runAction } from '../output.js';
import { DEFAULT_RPC_PORT } from '../rpcUrl.js';
import { stopWithSupervisor } from '../stopWithSupervisor.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';

export interface NodeCommandOptions {
  dataDir?: string;
  rpcPort?: string;
  rpcHost?: string;
  blockTime?: string;
  authorityKey?: string;
  dev?: boolean;
  follow?: string;
  genesis?: string;
  logLevel?: string;
  statePruning?: string;
  rpcAllowedHosts?: string;
  rpcCors?: string;
  maxBlockExtrinsics?: string;
  maxPoolSize?: string;
  ordering?: string;
  etcd?: string;
  name?: string;
  etcdPrefix?: string;
  etcdLeaseTtl?: string;
  etcdLogRetention?: string;
}

export function parsePort(value: string | undefined, fallback: number, flag = '--rpc-port'): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new UsageError(`${flag}: expected a port 0-65535, got "${value}"`);
  return port;
}

export function parseBlockTime(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 50 || ms > 3_600_000) {
    throw new UsageError(`--block-time: expected milliseconds between 50 and 3600000, got "${value}"`);
  }
  return ms;
}

/**
 * `--rpc-allowed-hosts` and `--rpc-cors` (comma lists, `*` for any) as the RPC server's options,
 * checked here so that a typo is a usage error rather than a failed start.
 */
export function parseRpcAccess(options: { rpcAllowedHosts?: string; rpcCors?: string }): {
  rpcAllowedHosts?: string[];
  rpcAllowedOrigins?: string[];
} {
  const list = (value: string) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  const access = {
    ...(options.rpcAllowedHosts === undefined ? {} : { rpcAllowedHosts: list(options.rpcAllowedHosts) }),
    ...(options.rpcCors === undefined ? {} : { rpcAllowedOrigins: list(options.rpcCors) }),
  };
  try {
    createAccessPolicy({
      bindHost: '127.0.0.1',
      ...(access.rpcAllowedHosts ? { allowedHosts: access.rpcAllowedHosts } : {}),
      ...(access.rpcAllowedOrigins ? { allowedOrigins: access.rpcAllowedOrigins } : {}),
    });
  } catch (error) {
    const flag = /origin/.test((error as Error).message) ? '--rpc-cors' : '--rpc-allowed-hosts';
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
  return access;
}

/** `--state-pruning N` (blocks of state to keep) or `archive` (every state). */
export function parseStatePruning(value: string | undefined): StatePruning {
  if (value === undefined) return DEFAULT_STATE_PRUNING;
  const parsed = value === 'archive' ? value : /^\d{1,10}$/.test(value) ? Number(value) : undefined;
  if (!isValidStatePruning(parsed)) {
    throw new UsageError(
      `--state-pruning: expected a number of blocks (1-${MAX_STATE_PRUNING}) or "archive", got "${value}"`,
    );
  }
  return parsed;
}

/**
 * `--max-block-extrinsics` and `--max-pool-size`: a count from 1 to `max`, or the default when
 * absent. The defaults cap a node at 2,048 extrinsics per block; a node that can build bigger blocks
 * within its block time may take more (docs/BENCHMARKS.md, `node.transfers.sustained`).
 */
export function parseLimit(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!/^\d{1,9}$/.test(value) || count < 1 || count > max) {
    throw new UsageError(`${flag}: expected a whole number from 1 to ${max}, got "${value}"`);
  }
  return count;
}

/** Far above what a block time allows today; the bound keeps a typo from reserving the impossible. */
export const MAX_LIMIT = 1_000_000;

export const STATE_PRUNING_HELP = `states to keep: the last N blocks', or "archive" for every state (default ${DEFAULT_STATE_PRUNING}); blocks are always kept`;

function limits(options: NodeCommandOptions): { maxBlockExtrinsics?: number; maxPoolSize?: number } {
  const maxBlockExtrinsics = parseLimit(options.maxBlockExtrinsics, '--max-block-extrinsics', MAX_LIMIT);
  const maxPoolSize = parseLimit(options.maxPoolSize, '--max-pool-size', MAX_LIMIT);
  return {
    ...(maxBlockExtrinsics === undefined ? {} : { maxBlockExtrinsics }),
    ...(maxPoolSize === undefined ? {} : { maxPoolSize }),
  };
}

async function readGenesis(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--genesis: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--genesis: ${path} is not JSON`);
  }
}

/** `--etcd` endpoints: a comma list of http(s) URLs. */
export function parseEtcdEndpoints(value: string | undefined): string[] {
  if (value === undefined) throw new UsageError('--ordering etcd needs --etcd URL[,URL...]');
  const endpoints = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const endpoint of endpoints) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/') {
      throw new UsageError(`--etcd: expected http(s)://host:port URLs, got "${endpoint}"`);
    }
  }
  if (endpoints.length === 0) throw new UsageError('--etcd: give at least one URL');
  return endpoints;
}

function parseWhole(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d{1,9}$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

async function authoritySeedOf(options: NodeCommandOptions): Promise<Uint8Array | undefined> {
  if (options.authorityKey !== undefined) return (await readKeyFile(options.authorityKey)).secretSeed;
  if (options.dev) return devKeypair('alice').secretSeed;
  return undefined;
}

async function resolveEtcdRole(options: NodeCommandOptions): Promise<NodeRole> {
  if (options.follow !== undefined) throw new UsageError('--ordering etcd and --follow exclude each other');
  const endpoints = parseEtcdEndpoints(options.etcd);
  const authoritySeed = await authoritySeedOf(options);
  if (!authoritySeed) throw new UsageError('--ordering etcd needs --authority-key FILE (or --dev)');
  const name = options.name ?? `node-${bytesToHex(ed25519FromSeed(authoritySeed).publicKey).slice(0, 16)}`;
  if (!NODE_NAME_PATTERN.test(name)) {
    throw new UsageError(`--name: letters, digits, ".", "_" and "-", at most 64, got "${name}"`);
  }
  const sessionTtlSeconds = parseWhole(options.etcdLeaseTtl, '--etcd-lease-ttl', 1, 60);
  const logRetention = parseWhole(options.etcdLogRetention, '--etcd-log-retention', 16, 1_000_000);
  return {
    kind: 'etcd',
    endpoints,
    name,
    authoritySeed,
    ...(options.etcdPrefix === undefined ? {} : { prefix: options.etcdPrefix }),
    ...(sessionTtlSeconds === undefined ? {} : { sessionTtlSeconds }),
    ...(logRetention === undefined ? {} : { logRetention }),
  };
}

async function resolveRole(options: NodeCommandOptions): Promise<NodeRole> {
  const ordering = options.ordering ?? (options.follow === undefined ? 'solo' : 'follower');
  if (ordering === 'etcd') return resolveEtcdRole(options);
  if (ordering !== 'solo' && ordering !== 'follower') {
    throw new UsageError(`--ordering: expected solo, follower or etcd, got "${ordering}"`);
  }
  if (options.etcd !== undefined) throw new UsageError('--etcd is for --ordering etcd');
  if (ordering === 'follower' && options.follow === undefined) {
    throw new UsageError('--ordering follower needs --follow URL');
  }
  if (options.follow !== undefined) {
    if (options.authorityKey !== undefined)
      throw new UsageError('a follower does not seal: drop --authority-key');
    return { kind: 'follower', upstreamUrl: options.follow };
  }
  if (options.authorityKey !== undefined) {
    return { kind: 'solo', authoritySeed: (await readKeyFile(options.authorityKey)).secretSeed };
  }
  if (options.dev) return { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed };
  throw new UsageError(
    'give --authority-key FILE (or --dev) to seal blocks, or --follow URL to follow a node',
  );
}

/** Runs until SIGINT/SIGTERM; resolves with the exit status. */
export async function runNodeCommand(options: NodeCommandOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    if (options.genesis === undefined && !options.dev) {
      throw new UsageError('give the chain with --genesis FILE, or --dev for the development chain');
    }
    const genesis =
      options.genesis !== undefined ? await readGenesis(options.genesis) : createDevGenesisConfig();
    const role = await resolveRole(options);
    const access = parseRpcAccess(options);
    // A node of `phalanx devnet --nodes N` ends with its devnet, however the devnet ends.
    stopWithSupervisor();
    const staticDir = dashboardDir();
    const running = await runNode({
      dataDir: options.dataDir ?? defaultDataDir('node'),
      genesis,
      role,
      blockIntervalMs: parseBlockTime(options.blockTime, 1000),
      statePruning: parseStatePruning(options.statePruning),
      ...limits(options),
      rpcHost: options.rpcHost ?? '127.0.0.1',
      rpcPort: parsePort(options.rpcPort, DEFAULT_RPC_PORT),
      logger: pino({ level: options.logLevel ?? 'info' }),
      ...access,
      ...(staticDir ? { staticDir } : {}),
    });
    await running.closed;
    return 0;
  });
}

export function registerNodeCommand(program: Command, io: OutputSink = processSink): void {
  program
    .command('node')
    .description(
      'run a chain node (sealing with an authority key, or following another node) with its RPC port',
    )
    .option('--data-dir <dir>', 'block and state store (default $PHALANX_HOME/node or .phalanx/node)')
    .option('--rpc-port <port>', `JSON-RPC/WebSocket port, 0 for any free one (default ${DEFAULT_RPC_PORT})`)
    .option('--rpc-host <host>', 'address to listen on (default 127.0.0.1)')
    .option(
      '--rpc-allowed-hosts <names>',
      'comma list of host names the RPC port answers to besides localhost, 127.0.0.1, [::1] and --rpc-host; * for any (gives up DNS-rebinding protection)',
    )
    .option(
      '--rpc-cors <origins>',
      'comma list of web origins (https://app.example) whose pages may use the RPC port besides loopback pages; * for any',
    )
    .option('--block-time <ms>', 'block interval in milliseconds (default 1000)')
    .option('--authority-key <file>', 'key file of the authority that seals blocks')
    .option('--dev', 'the development chain: dev genesis, and alice seals unless --follow is given')
    .option('--follow <url>', 'follow the node at this RPC URL instead of sealing')
    .option(
      '--ordering <kind>',
      'solo (seal alone, the default), follower (with --follow) or etcd (with --etcd: a cluster of nodes sharing an etcd block log)',
    )
    .option('--etcd <urls>', 'comma list of etcd client URLs (--ordering etcd)')
    .option('--name <name>', "this node's name in the etcd cluster (default: from its authority key)")
    .option('--etcd-prefix <prefix>', 'etcd key prefix of Phalanx chains (default phalanx/)')
    .option('--etcd-lease-ttl <seconds>', 'how long a dead proposer holds the leader key (default 2)')
    .option(
      '--etcd-log-retention <blocks>',
      'recent blocks etcd keeps; older ones are served by the nodes (default 1024)',
    )
    .option('--genesis <file>', 'genesis config (JSON)')
    .option('--log-level <level>', 'pino log level (default info)')
    .option('--state-pruning <blocks|archive>', STATE_PRUNING_HELP)
    .option(
      '--max-block-extrinsics <n>',
      `most extrinsics in a block this node seals (default ${DEFAULT_MAX_BLOCK_EXTRINSICS})`,
    )
    .option(
      '--max-pool-size <n>',
      `most extrinsics waiting in the transaction pool (default ${DEFAULT_MAX_POOL_SIZE})`,
    )
    .action(async (options: NodeCommandOptions) => {
      process.exitCode = await runNodeCommand(options, io);
    });
}
