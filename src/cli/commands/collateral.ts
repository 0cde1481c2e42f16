// `phalanx collateral fetch`: download (through the cache) the collateral a DCAP quote needs and
// write it in the JSON form of ../shared/vectors, ready for `attest verify --collateral`.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { collateralToJson } from '../../attestation/collateral.js';
import { bytesToHex } from '../../codec/bytes.js';
import { PhalanxError } from '../../codec/errors.js';
import {
  type CommandDeps,
  EXIT_OK,
  EXIT_REJECTED,
  EXIT_USAGE,
  exitTwoOnUsageErrors,
  type OutputSink,
  parseAt,
  processSink,
  readInputFile,
  UsageError,
} from './cliSupport.js';
import { fetchQuoteCollateral } from './fetchQuoteCollateral.js';

export interface CollateralFetchOptions {
  readonly quote?: string;
  readonly out?: string;
  readonly pccsUrl?: string;
  readonly cacheDir?: string;
  readonly at?: string;
  readonly json?: boolean;
}

/** 0 written; 1 the quote or the service failed (typed code printed); 2 usage error. */
export async function runCollateralFetch(
  opts: CollateralFetchOptions,
  io: OutputSink,
  deps: CommandDeps = {},
): Promise<number> {
  try {
    if (opts.quote === undefined) throw new UsageError('--quote FILE is required');
    if (opts.out === undefined) throw new UsageError('--out FILE is required');
    const at = parseAt(opts.at, deps.now ?? Date.now);
    const quote = await readInputFile(opts.quote, '--quote');
    let json: Record<string, string>;
    let summary: { tee: string; fmspc: string; ca: string };
    try {
      const { info, collateral } = await fetchQuoteCollateral(quote, opts, at, deps);
      summary = { tee: info.tee, fmspc: bytesToHex(info.fmspc), ca: info.ca };
      json = collateralToJson(collateral);
    } catch (error) {
      if (!(error instanceof PhalanxError)) throw error;
      if (opts.json)
        io.out(JSON.stringify({ ok: false, error: { code: error.code, message: error.message } }));
      else io.err(`error: ${error.code}: ${error.message}`);
      return EXIT_REJECTED;
    }
    try {
      await writeFile(opts.out, `${JSON.stringify(json, null, 1)}\n`);
    } catch (error) {
      throw new UsageError(
        `--out: cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (opts.json) io.out(JSON.stringify({ ok: true, out: opts.out, ...summary }));
    else
      io.out(
        `wrote collateral for ${summary.tee.toUpperCase()} FMSPC ${summary.fmspc} (${summary.ca} CA) to ${opts.out}`,
      );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export function registerCollateralCommands(program: Command, io: OutputSink = processSink): void {
  const collateral = program.command('collateral').description('DCAP collateral from Intel PCS or a PCCS');
  exitTwoOnUsageErrors(
    collateral
      .command('fetch')
      .description('fetch the collateral a quote needs and write it as JSON')
      .option('--quote <file>', 'DCAP quote')
      .option('--out <file>', 'where to write the collateral JSON')
      .option('--pccs-url <url>', 'PCCS or Intel PCS base URL (default Intel PCS)')
      .option('--cache-dir <dir>', 'collateral cache folder')
      .option('--at <unixSeconds>', 'serve cached items valid at this time (default: now)')
      .option('--json', 'print one JSON object')
      .action(async (options: CollateralFetchOptions) => {
        process.exitCode = await runCollateralFetch(options, io);
      }),
  );
}
