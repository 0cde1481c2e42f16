// `phalanx devnet`: a local development network in one command. For now one sealing node on the
// development genesis (dev accounts funded, alice the authority and sudo key); later issues add a
// gatekeeper and sim workers. Each part is a `DevnetService` that the devnet starts in order and
// stops in reverse, so those become more entries in `startDevnet`, each a child process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { DEV_ACCOUNT_NAMES, devKeypair } from '../../codec/devKeys.js';
import { runNode } from '../../node/runNode.js';
import { createDevGenesisConfig, DEV_ENDOWMENT } from '../../runtime/index.js';
import { dashboardDir, defaultDataDir } from '../dataDirs.js';
import { formatAmount, runAction, toJsonText } from '../output.js';
import { DEFAULT_RPC_PORT } from '../rpcUrl.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';
import { parseBlockTime, parsePort } from './node.js';

export interface DevnetOptions {
  dataDir?: string;
  tmp?: boolean;
  rpcPort?: string;
  blockTime?: string;
  logLevel?: string;
  json?: boolean;
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
  services: DevnetService[];
  /** Stops the services in reverse order; a --tmp data folder is removed. Idempotent. */
  close(): Promise<void>;
}

export async function startDevnet(options: {
  dataDir: string;
  removeDataDir: boolean;
  rpcPort: number;
  blockIntervalMs: number;
  logLevel: string;
}): Promise<Devnet> {
  // Logs go to stderr: stdout carries the addresses that scripts and tests read.
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  const services: DevnetService[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const service of services.toReversed()) {
        await service
          .close()
          .catch((error: unknown) => logger.error({ err: error, service: service.name }, 'stop failed'));
      }
      if (options.removeDataDir) await rm(options.dataDir, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    const staticDir = dashboardDir();
    const node = await runNode({
      dataDir: join(options.dataDir, 'node'),
      genesis: createDevGenesisConfig(),
      role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
      blockIntervalMs: options.blockIntervalMs,
      rpcPort: options.rpcPort,
      logger,
      handleSignals: false,
      ...(staticDir ? { staticDir } : {}),
    });
    services.push({ name: 'node', close: () => node.close() });
    return {
      dataDir: options.dataDir,
      rpcUrl: node.rpcUrl,
      wsUrl: node.wsUrl,
      chain: node.node.chainName,
      genesisHash: node.node.genesisHash,
      services,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function describeDevnet(devnet: Devnet, tmp: boolean): string {
  const shownDir = relative(process.cwd(), devnet.dataDir).startsWith('..')
    ? devnet.dataDir
    : relative(process.cwd(), devnet.dataDir);
  const accounts = DEV_ACCOUNT_NAMES.map(
    (name) => `    ${name.padEnd(8)} ${encodeAddress(devKeypair(name).publicKey)}`,
  );
  const bob = encodeAddress(devKeypair('bob').publicKey);
  return [
    `Phalanx devnet "${devnet.chain}" is running.`,
    `  rpc:     ${devnet.rpcUrl}`,
    `  ws:      ${devnet.wsUrl}`,
    `  genesis: ${toHex(devnet.genesisHash)}`,
    `  data:    ${shownDir}${tmp ? ' (temporary, removed on exit)' : ' (kept across runs; --tmp for a throwaway chain)'}`,
    `  development accounts, ${formatAmount(DEV_ENDOWMENT)} each at genesis (anyone can sign as them):`,
    ...accounts,
    'Try:',
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
    const dataDir = options.tmp
      ? await mkdtemp(join(tmpdir(), 'phalanx-devnet-'))
      : (options.dataDir ?? defaultDataDir('devnet'));
    const devnet = await startDevnet({
      dataDir,
      removeDataDir: options.tmp === true,
      rpcPort,
      blockIntervalMs,
      logLevel: options.logLevel ?? 'warn',
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
    .description('run a local development chain with funded development accounts')
    .option('--data-dir <dir>', 'where the chain is kept (default $PHALANX_HOME/devnet or .phalanx/devnet)')
    .option('--tmp', 'use a throwaway data folder, removed on exit')
    .option('--rpc-port <port>', `JSON-RPC/WebSocket port, 0 for any free one (default ${DEFAULT_RPC_PORT})`)
    .option('--block-time <ms>', 'block interval in milliseconds (default 500)')
    .option('--log-level <level>', 'pino log level for stderr (default warn)')
    .option('--json', 'print the addresses as one JSON line')
    .action(async (options: DevnetOptions) => {
      process.exitCode = await runDevnet(options, io);
    });
}
