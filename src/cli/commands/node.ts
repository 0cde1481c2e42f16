// `phalanx node`: one chain node with its RPC port, as a long-running process. Either it seals blocks
// (solo: --authority-key, or --dev for the development chain's authority) or it follows another
// node's RPC (--follow URL) and re-executes every block.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import pino from 'pino';
import { devKeypair } from '../../codec/devKeys.js';
import type { NodeRole } from '../../node/createNode.js';
import { runNode } from '../../node/runNode.js';
import { createDevGenesisConfig } from '../../runtime/index.js';
import { dashboardDir, defaultDataDir } from '../dataDirs.js';
import { readKeyFile } from '../keyFile.js';
import { runAction } from '../output.js';
import { DEFAULT_RPC_PORT } from '../rpcUrl.js';
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

async function resolveRole(options: NodeCommandOptions): Promise<NodeRole> {
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
    const staticDir = dashboardDir();
    const running = await runNode({
      dataDir: options.dataDir ?? defaultDataDir('node'),
      genesis,
      role,
      blockIntervalMs: parseBlockTime(options.blockTime, 1000),
      rpcHost: options.rpcHost ?? '127.0.0.1',
      rpcPort: parsePort(options.rpcPort, DEFAULT_RPC_PORT),
      logger: pino({ level: options.logLevel ?? 'info' }),
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
    .option('--block-time <ms>', 'block interval in milliseconds (default 1000)')
    .option('--authority-key <file>', 'key file of the authority that seals blocks')
    .option('--dev', 'the development chain: dev genesis, and alice seals unless --follow is given')
    .option('--follow <url>', 'follow the node at this RPC URL instead of sealing')
    .option('--genesis <file>', 'genesis config (JSON)')
    .option('--log-level <level>', 'pino log level (default info)')
    .action(async (options: NodeCommandOptions) => {
      process.exitCode = await runNodeCommand(options, io);
    });
}
