// `phalanx worker`: one worker (enclave core + host, optionally the gatekeeper role) as a long-running
// process, until SIGINT/SIGTERM. The logic lives in src/worker/runWorker.ts; this file turns flags
// into its options and says what is wrong with them.
import type { Command } from 'commander';
import pino from 'pino';
import { hexToBytes } from '../../codec/bytes.js';
import { runWorker, type WorkerTee } from '../../worker/runWorker.js';
import { runAction } from '../output.js';
import { resolveSigner } from '../resolveSigner.js';
import { defaultRpcUrl, toHttpUrl } from '../rpcUrl.js';
import { stopWithSupervisor } from '../stopWithSupervisor.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';

export interface WorkerCommandOptions {
  tee?: string;
  rpc?: string;
  dataDir?: string;
  operatorKey?: string;
  dev?: string;
  gatekeeper?: boolean;
  pccsUrl?: string;
  simMachineDir?: string;
  simTee?: string;
  tdxSealingKey?: string;
  genesisHash?: string;
  cores?: string;
  benchmarkBlocks?: string;
  pollInterval?: string;
  logLevel?: string;
}

const TEES: readonly WorkerTee[] = ['sim', 'sgx', 'tdx'];

function parseTee(value: string | undefined): WorkerTee {
  if (value === undefined) throw new UsageError(`--tee is required (${TEES.join(', ')}; sim is INSECURE)`);
  if (!(TEES as readonly string[]).includes(value))
    throw new UsageError(`--tee: expected ${TEES.join(', ')}, got "${value}"`);
  return value as WorkerTee;
}

function parseCores(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const cores = Number(value);
  if (!/^\d+$/.test(value) || cores < 1 || cores > 4096)
    throw new UsageError(`--cores: expected 1-4096, got "${value}"`);
  return cores;
}

function parseBenchmarkBlocks(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const blocks = Number(value);
  if (!/^\d+$/.test(value) || blocks < 1 || blocks > 10_000)
    throw new UsageError(`--benchmark-blocks: expected 1-10000, got "${value}"`);
  return blocks;
}

/** `--poll-interval`: the host's pause between rounds; heartbeats are answered at most this late. */
function parsePollInterval(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 10 || ms > 60_000)
    throw new UsageError(`--poll-interval: expected 10-60000 ms, got "${value}"`);
  return ms;
}

/** Runs until SIGINT/SIGTERM (or its supervisor's end); resolves with the exit status. */
export async function runWorkerCommand(options: WorkerCommandOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const tee = parseTee(options.tee);
    if (options.dataDir === undefined)
      throw new UsageError('--data-dir is required (the sealed identity lives there)');
    const operator = await resolveSigner({
      ...(options.operatorKey === undefined ? {} : { key: options.operatorKey }),
      ...(options.dev === undefined ? {} : { dev: options.dev }),
    }).catch((error: unknown) => {
      if (error instanceof UsageError)
        throw new UsageError(error.message.replace('--key FILE', '--operator-key FILE'));
      throw error;
    });
    if (tee !== 'sim' && (options.simMachineDir !== undefined || options.simTee !== undefined)) {
      throw new UsageError('--sim-machine-dir and --sim-tee apply to --tee sim only');
    }
    if (options.simTee !== undefined && options.simTee !== 'sgx' && options.simTee !== 'tdx') {
      throw new UsageError(`--sim-tee: expected sgx or tdx, got "${options.simTee}"`);
    }
    const genesisHash = options.genesisHash === undefined ? undefined : hexToBytes(options.genesisHash, 32);
    const cores = parseCores(options.cores);
    const benchmarkBlocks = parseBenchmarkBlocks(options.benchmarkBlocks);
    const pollIntervalMs = parsePollInterval(options.pollInterval);
    const logger = pino({ level: options.logLevel ?? 'info' }, pino.destination(2));
    stopWithSupervisor();
    const worker = await runWorker({
      tee,
      rpcUrl: toHttpUrl(options.rpc ?? defaultRpcUrl()),
      dataDir: options.dataDir,
      operator,
      gatekeeper: options.gatekeeper === true,
      logger,
      ...(options.pccsUrl === undefined ? {} : { pccsUrl: options.pccsUrl }),
      ...(options.simMachineDir === undefined ? {} : { simMachineDir: options.simMachineDir }),
      ...(options.simTee === undefined ? {} : { simTee: options.simTee as 'sgx' | 'tdx' }),
      ...(options.tdxSealingKey === undefined ? {} : { tdxSealingKeyFile: options.tdxSealingKey }),
      ...(genesisHash === undefined ? {} : { genesisHash }),
      ...(cores === undefined ? {} : { cores }),
      ...(benchmarkBlocks === undefined ? {} : { benchmarkBlocks }),
      ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
    });
    const stop = () => void worker.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await worker.stopped;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return 0;
  });
}

export function registerWorkerCommands(program: Command, io: OutputSink = processSink): void {
  program
    .command('worker')
    .description('run a worker: attest, register, get provisioned, (with --gatekeeper) provision others')
    .option('--tee <kind>', 'sim (INSECURE software TEE), sgx (Gramine) or tdx (configfs-tsm)')
    .option('--rpc <url>', 'node RPC URL (default $PHALANX_RPC or http://127.0.0.1:9944)')
    .option('--data-dir <dir>', 'the worker’s folder: sealed identity, pinned chain, collateral cache')
    .option('--operator-key <file>', 'key file of the operator account that registers and pays')
    .option('--dev <name>', 'a development account as operator (alice, bob, ...)')
    .option('--gatekeeper', 'run the gatekeeper role once governance adds this worker')
    .option('--pccs-url <url>', 'sgx/tdx: PCCS or PCS base URL for collateral (default Intel PCS)')
    .option('--sim-machine-dir <dir>', 'sim: the simulated machine (secret, sim PKI) shared with the devnet')
    .option('--sim-tee <kind>', 'sim: quote format, sgx (default) or tdx')
    .option('--tdx-sealing-key <file>', 'tdx: sealing key file from the key broker')
    .option(
      '--genesis-hash <hex>',
      'pin the chain (default: taken from the node on first start, then sealed)',
    )
    .option('--cores <n>', 'cores offered to contracts (default 1)')
    .option('--benchmark-blocks <n>', 'blocks each benchmark run lasts (default 10)')
    .option(
      '--poll-interval <ms>',
      'pause between the host’s rounds (new blocks, challenges) when all is well (default 1000)',
    )
    .option('--log-level <level>', 'pino log level (default info)')
    .action(async (options: WorkerCommandOptions) => {
      process.exitCode = await runWorkerCommand(options, io);
    });
}
