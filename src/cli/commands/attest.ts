// `phalanx attest verify` and `phalanx attest sim-quote` (DESIGN.md section 9; issue 3, "CLI").
// Each action is a function from parsed options and an output sink to an exit status, so that tests
// run it in-process: 0 valid (and accepted by --policy, when given), 1 rejected, 2 usage error.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type Collateral, parseCollateralJson } from '../../attestation/collateral.js';
import { verifyQuote } from '../../attestation/dcap/verifyQuote.js';
import { AttestationError } from '../../attestation/errors.js';
import { parsePemCertificates } from '../../attestation/ias/parseIasSigningChain.js';
import { verifyIasReport } from '../../attestation/ias/verifyIasReport.js';
import {
  type AttestationPolicy,
  evaluatePolicy,
  type PolicyVerdict,
  parsePolicyJson,
} from '../../attestation/policy.js';
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from '../../attestation/roots/intelRoots.js';
import type { SimTcbOutcome } from '../../attestation/sim/index.js';
import { createSimPki, createSimQuote } from '../../attestation/sim/index.js';
import { TCB_STATUSES, type VerifiedEvidence } from '../../attestation/types.js';
import { bytesToHex, hexToBytes } from '../../codec/bytes.js';
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

export interface AttestVerifyOptions {
  readonly quote?: string;
  readonly collateral?: string;
  readonly pccsUrl?: string;
  readonly cacheDir?: string;
  readonly trustedRoot?: readonly string[];
  readonly iasReport?: string;
  readonly iasSignature?: string;
  readonly iasCert?: string;
  readonly at?: string;
  readonly policy?: string;
  readonly json?: boolean;
}

type Rejection = { readonly code: string; readonly message: string };

// ---- reading inputs ----

async function readTrustedRoots(
  files: readonly string[] | undefined,
  fallback: Uint8Array,
): Promise<Uint8Array[]> {
  if (files === undefined || files.length === 0) return [fallback];
  const roots: Uint8Array[] = [];
  for (const file of files) {
    const bytes = await readInputFile(file, '--trusted-root');
    if (bytes[0] === 0x30) {
      roots.push(bytes);
      continue;
    }
    try {
      for (const cert of parsePemCertificates(Buffer.from(bytes).toString('utf8')))
        roots.push(new Uint8Array(cert.raw));
    } catch {
      throw new UsageError(`--trusted-root: ${file} is neither a DER nor a PEM certificate`);
    }
  }
  return roots;
}

async function readPolicy(file: string | undefined): Promise<AttestationPolicy | undefined> {
  if (file === undefined) return undefined;
  const text = Buffer.from(await readInputFile(file, '--policy')).toString('utf8');
  try {
    return parsePolicyJson(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`--policy: ${file}: ${(error as Error).message}`);
  }
}

async function readCollateralFile(file: string): Promise<Collateral> {
  const text = Buffer.from(await readInputFile(file, '--collateral')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AttestationError('MalformedCollateral', `${file} is not JSON`, {}, { cause });
  }
  return parseCollateralJson(json);
}

// ---- output ----

function measurementsToJson(evidence: VerifiedEvidence): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(evidence.measurements)) {
    if (key === 'tee') continue;
    if (value instanceof Uint8Array) out[key] = bytesToHex(value);
    else if (typeof value === 'number') out[key] = value;
  }
  return out;
}

function verdictJson(
  evidence: VerifiedEvidence | undefined,
  verdict: PolicyVerdict | undefined,
  error: Rejection | undefined,
) {
  const base: Record<string, unknown> = { valid: evidence !== undefined };
  if (evidence !== undefined) {
    Object.assign(base, {
      kind: evidence.kind,
      tee: evidence.tee,
      quoteVersion: evidence.quoteVersion,
      ...(evidence.kind === 'dcap'
        ? { tcbStatus: evidence.tcbStatus ?? null }
        : { quoteStatus: evidence.quoteStatus ?? null }),
      advisoryIds: [...evidence.advisoryIds],
      debug: evidence.debug,
      measurements: measurementsToJson(evidence),
      reportData: bytesToHex(evidence.reportData),
      collateralExpiresAt: evidence.collateralExpiresAt,
      ...(evidence.fmspc !== undefined && { fmspc: bytesToHex(evidence.fmspc) }),
      ...(evidence.producedAt !== undefined && { producedAt: evidence.producedAt }),
    });
  }
  if (verdict !== undefined) {
    base.policy = verdict.accepted
      ? { accepted: true, confidence: verdict.confidence }
      : { accepted: false, reason: verdict.reason };
  }
  if (error !== undefined) base.error = error;
  return base;
}

const iso = (seconds: number) => {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
};

function printHuman(
  io: OutputSink,
  evidence: VerifiedEvidence | undefined,
  verdict: PolicyVerdict | undefined,
  error: Rejection | undefined,
): void {
  if (evidence === undefined) {
    io.out(`REJECTED  ${error?.code ?? 'Unknown'}: ${error?.message ?? ''}`);
    return;
  }
  const accepted = verdict === undefined || verdict.accepted;
  io.out(
    `${accepted ? 'VALID' : 'VALID, REFUSED BY POLICY'}  ${evidence.kind.toUpperCase()} ${evidence.tee.toUpperCase()} evidence, version ${evidence.quoteVersion}`,
  );
  const row = (label: string, value: string) => io.out(`  ${label.padEnd(24)}${value}`);
  if (evidence.kind === 'dcap') row('TCB status', evidence.tcbStatus ?? '(none)');
  else row('quote status', evidence.quoteStatus ?? '(none)');
  row('advisories', evidence.advisoryIds.length === 0 ? '(none)' : evidence.advisoryIds.join(', '));
  row('debug', evidence.debug ? 'YES' : 'no');
  for (const [key, value] of Object.entries(measurementsToJson(evidence))) row(key, String(value));
  row('report data', bytesToHex(evidence.reportData));
  if (evidence.fmspc !== undefined) row('FMSPC', bytesToHex(evidence.fmspc));
  if (evidence.producedAt !== undefined) row('produced at', iso(evidence.producedAt));
  row('collateral valid until', `${iso(evidence.collateralExpiresAt)} (${evidence.collateralExpiresAt})`);
  if (verdict !== undefined) {
    row(
      'policy',
      verdict.accepted
        ? `accepted, confidence ${verdict.confidence}`
        : `${verdict.reason.code}: ${verdict.reason.message}`,
    );
  }
}

function toRejection(error: unknown): Rejection | undefined {
  if (error instanceof PhalanxError) return { code: error.code, message: error.message };
  return undefined;
}

// ---- actions ----

async function obtainEvidence(
  opts: AttestVerifyOptions,
  at: number,
  deps: CommandDeps,
): Promise<() => Promise<VerifiedEvidence>> {
  const dcap = opts.quote !== undefined;
  const ias = opts.iasReport !== undefined || opts.iasSignature !== undefined || opts.iasCert !== undefined;
  if (dcap === ias)
    throw new UsageError('give either --quote FILE, or --ias-report, --ias-signature and --ias-cert');
  if (dcap) {
    const quote = await readInputFile(opts.quote!, '--quote');
    const roots = await readTrustedRoots(opts.trustedRoot, INTEL_SGX_ROOT_CA_DER);
    const collateralFile = opts.collateral;
    return async () => {
      let collateral: Collateral;
      if (collateralFile !== undefined) {
        collateral = await readCollateralFile(collateralFile);
      } else {
        ({ collateral } = await fetchQuoteCollateral(quote, opts, at, deps));
      }
      return verifyQuote(quote, collateral, { trusted: { roots }, at });
    };
  }
  if (opts.iasReport === undefined || opts.iasSignature === undefined || opts.iasCert === undefined) {
    throw new UsageError('IAS verification needs all of --ias-report, --ias-signature and --ias-cert');
  }
  if (opts.collateral !== undefined || opts.pccsUrl !== undefined) {
    throw new UsageError('--collateral and --pccs-url apply to DCAP quotes, not IAS reports');
  }
  const report = await readInputFile(opts.iasReport, '--ias-report');
  const signature = Buffer.from(await readInputFile(opts.iasSignature, '--ias-signature'))
    .toString('utf8')
    .trim();
  const signingCert = await readInputFile(opts.iasCert, '--ias-cert');
  const roots = await readTrustedRoots(opts.trustedRoot, INTEL_IAS_SIGNING_CA_DER);
  return async () => verifyIasReport({ report, signature, signingCert }, { trusted: { roots }, at });
}

export async function runAttestVerify(
  opts: AttestVerifyOptions,
  io: OutputSink,
  deps: CommandDeps = {},
): Promise<number> {
  let verify: () => Promise<VerifiedEvidence>;
  let policy: AttestationPolicy | undefined;
  let at: number;
  try {
    at = parseAt(opts.at, deps.now ?? Date.now);
    policy = await readPolicy(opts.policy);
    verify = await obtainEvidence(opts, at, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }

  let evidence: VerifiedEvidence | undefined;
  let verdict: PolicyVerdict | undefined;
  let rejection: Rejection | undefined;
  try {
    evidence = await verify();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    rejection = toRejection(error);
    if (rejection === undefined) throw error;
  }
  if (evidence !== undefined && policy !== undefined) {
    verdict = evaluatePolicy(evidence, policy, at);
    if (!verdict.accepted)
      rejection = { code: 'PolicyRejected', message: `${verdict.reason.code}: ${verdict.reason.message}` };
  }
  if (opts.json) io.out(JSON.stringify(verdictJson(evidence, verdict, rejection)));
  else printHuman(io, evidence, verdict, rejection);
  return rejection === undefined ? EXIT_OK : EXIT_REJECTED;
}

export interface SimQuoteOptions {
  readonly tee?: string;
  readonly reportData?: string;
  readonly debug?: boolean;
  readonly tcbStatus?: string;
  readonly seed?: string;
  readonly at?: string;
  readonly out?: string;
  readonly json?: boolean;
}

const SIM_TCB_OUTCOMES: readonly SimTcbOutcome[] = [...TCB_STATUSES, 'NotSupported'];

/** The seed used when none is given: every developer gets the same sim root, which devnets pin. */
export const DEFAULT_SIM_SEED_HEX = bytesToHex(Buffer.from('phalanx-sim-insecure-default-seed', 'utf8'));

function parseHexFlag(value: string, flag: string, maxBytes: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(value);
  } catch {
    throw new UsageError(`${flag}: not hex: ${value.slice(0, 40)}`);
  }
  if (bytes.length > maxBytes) throw new UsageError(`${flag}: ${bytes.length} bytes, at most ${maxBytes}`);
  return bytes;
}

export async function runAttestSimQuote(
  opts: SimQuoteOptions,
  io: OutputSink,
  deps: CommandDeps = {},
): Promise<number> {
  try {
    if (opts.tee !== 'sgx' && opts.tee !== 'tdx')
      throw new UsageError(`--tee: expected sgx or tdx, got ${opts.tee ?? '(none)'}`);
    if (opts.reportData === undefined) throw new UsageError('--report-data HEX is required');
    if (opts.out === undefined) throw new UsageError('--out DIR is required');
    // Report data is 64 bytes; shorter input is zero-padded, as WorkerInfo's hash is (DESIGN.md 4.2).
    const reportData = new Uint8Array(64);
    reportData.set(parseHexFlag(opts.reportData, '--report-data', 64));
    const tcbStatus = opts.tcbStatus ?? 'UpToDate';
    if (!SIM_TCB_OUTCOMES.includes(tcbStatus as SimTcbOutcome)) {
      throw new UsageError(`--tcb-status: expected one of ${SIM_TCB_OUTCOMES.join(', ')}, got ${tcbStatus}`);
    }
    const seed = parseHexFlag(opts.seed ?? DEFAULT_SIM_SEED_HEX, '--seed', 1024);
    if (seed.length === 0) throw new UsageError('--seed: must not be empty');
    const now = parseAt(opts.at, deps.now ?? Date.now);
    const pki = createSimPki({ seed, now });
    const sim = createSimQuote(pki, {
      tee: opts.tee,
      reportData,
      debug: opts.debug === true,
      tcbStatus: tcbStatus as SimTcbOutcome,
    });
    const files = {
      quote: join(opts.out, 'quote.bin'),
      collateral: join(opts.out, 'collateral.json'),
      root: join(opts.out, 'sim-root.der'),
    };
    try {
      await mkdir(opts.out, { recursive: true });
      await writeFile(files.quote, sim.quote);
      await writeFile(files.collateral, `${JSON.stringify(sim.collateral, null, 1)}\n`);
      await writeFile(files.root, pki.rootCertDer);
    } catch (error) {
      throw new UsageError(
        `--out: cannot write to ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (opts.json) io.out(JSON.stringify({ ...files, tee: opts.tee, at: now, insecure: true }));
    else {
      io.out(`wrote an INSECURE simulated ${opts.tee.toUpperCase()} quote (sim TEE, not hardware):`);
      io.out(`  ${files.quote}\n  ${files.collateral}\n  ${files.root}  (trust it with --trusted-root)`);
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof PhalanxError) {
      io.err(`error: ${error.code}: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

// ---- commander wiring ----

export function registerAttestCommands(program: Command, io: OutputSink = processSink): void {
  const attest = program
    .command('attest')
    .description('verify attestation evidence, or make simulated evidence');
  exitTwoOnUsageErrors(
    attest
      .command('verify')
      .description('verify a DCAP quote (SGX, TDX) or an IAS report, and print the verdict')
      .option('--quote <file>', 'DCAP quote (may be zero-padded)')
      .option('--collateral <file>', 'collateral JSON; fetched from PCS/PCCS when absent')
      .option('--pccs-url <url>', 'PCCS or Intel PCS base URL (default Intel PCS)')
      .option('--cache-dir <dir>', 'collateral cache folder')
      .option('--trusted-root <file...>', 'trusted root certificates, DER or PEM (default: Intel roots)')
      .option('--ias-report <file>', 'IAS report: the exact response body')
      .option('--ias-signature <file>', 'X-IASReport-Signature, base64')
      .option('--ias-cert <file>', 'signing certificate: DER, or the URL-encoded PEM chain header')
      .option('--at <unixSeconds>', 'verification time (default: now)')
      .option('--policy <file>', 'also evaluate this attestation policy (JSON)')
      .option('--json', 'print one JSON object')
      .action(async (options: AttestVerifyOptions) => {
        process.exitCode = await runAttestVerify(options, io);
      }),
  );
  exitTwoOnUsageErrors(
    attest
      .command('sim-quote')
      .description('write an INSECURE simulated quote, its collateral and the sim root (development only)')
      .option('--tee <tee>', 'sgx or tdx')
      .option('--report-data <hex>', 'up to 64 bytes, zero-padded')
      .option('--debug', 'set the debug attribute')
      .option('--tcb-status <status>', `TCB status the collateral gives (${SIM_TCB_OUTCOMES.join(', ')})`)
      .option('--seed <hex>', 'sim PKI seed (default: the shared development seed)')
      .option('--at <unixSeconds>', 'issue time of the sim collateral (default: now)')
      .option('--out <dir>', 'output folder')
      .option('--json', 'print the written paths as JSON')
      .action(async (options: SimQuoteOptions) => {
        process.exitCode = await runAttestSimQuote(options, io);
      }),
  );
}
