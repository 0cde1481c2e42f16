// Fuzzes the DCAP verifier with fast-check: random bytes, truncations, corrupted length fields,
// single-byte flips anywhere and inside each signed part of the real vectors' quotes, and changes
// to their collateral. The property, for every input: verification throws an AttestationError that
// is not the verifier's internal-error safety net, or it accepts, and then the input's signed bytes
// (scripts/fuzz/readSignedParts.ts says which bytes each signature covers) equal the original's
// and the verdict is the original's. Never anything else, never a hang.
//
//   npx tsx scripts/fuzz-attestation.ts [runs] [seed]               100,000 runs by default
//   npx tsx scripts/fuzz-attestation.ts --self-test [runs] [seed]   the oracle must catch verifiers
//                                                                   with one signature check removed
//
// The test suite imports `loadDcapVectors` and `runDcapFuzz` and runs a few thousand inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { type Collateral, parseCollateralJson } from '../src/attestation/collateral.js';
import { createDcapVerifier, type DcapVerifier } from '../src/attestation/dcap/verifyQuote.js';
import { isAttestationError } from '../src/attestation/errors.js';
import type { VerifiedEvidence } from '../src/attestation/types.js';
import { createSignedBytesOracle, type SignedBytesOracle } from './fuzz/createSignedBytesOracle.js';
import { DISABLED_CHECKS, type DisabledCheck, disableVerifierCheck } from './fuzz/disableVerifierCheck.js';

export const VECTORS_DIR = new URL('../../shared/vectors/attestation/', import.meta.url);

export interface DcapVector {
  readonly id: string;
  readonly quote: Uint8Array;
  readonly collateralJson: Record<string, string>;
  readonly collateral: Collateral;
  readonly now: number;
  readonly expect: { valid: boolean; tcbStatus?: string; advisoryIds?: string[]; because?: string };
  readonly facts?: Record<string, unknown>;
}

export function loadDcapVectors(dir: URL = VECTORS_DIR): { root: Uint8Array; vectors: DcapVector[] } {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
    cases: Array<Record<string, unknown> & { id: string; kind: string }>;
  };
  const root = new Uint8Array(readFileSync(new URL('roots/intel-sgx-root-ca.der', dir)));
  const vectors = manifest.cases
    .filter((c) => c.kind === 'dcap')
    .map((c) => {
      const collateralJson = JSON.parse(readFileSync(new URL(c.collateral as string, dir), 'utf8'));
      return {
        id: c.id,
        quote: new Uint8Array(readFileSync(new URL(c.quote as string, dir))),
        collateralJson,
        collateral: parseCollateralJson(collateralJson),
        now: c.now as number,
        expect: c.expect as DcapVector['expect'],
        ...(c.facts ? { facts: c.facts as Record<string, unknown> } : {}),
      };
    });
  return { root, vectors };
}

type Outcome = { ok: true; evidence: VerifiedEvidence } | { ok: false; code: string };

function attempt(verifier: DcapVerifier, quote: Uint8Array, collateral: Collateral, at: number): Outcome {
  try {
    return { ok: true, evidence: verifier.verify(quote, collateral, at) };
  } catch (error) {
    if (!isAttestationError(error))
      throw new Error(`non-AttestationError thrown: ${String(error)}`, { cause: error });
    if (error.code === 'InternalError') throw new Error(`internal error: ${error.message}`, { cause: error });
    return { ok: false, code: error.code };
  }
}

interface Mutation {
  /** What was done, for the failure message. */
  readonly label: string;
  readonly quote: Uint8Array;
  readonly collateral: Collateral;
}

const COLLATERAL_FIELDS = [
  'pckCrlIssuerChain',
  'rootCaCrl',
  'pckCrl',
  'tcbInfoIssuerChain',
  'tcbInfo',
  'tcbInfoSignature',
  'qeIdentityIssuerChain',
  'qeIdentity',
  'qeIdentitySignature',
] as const;

function flip(q: Uint8Array, at: number, x: number): Uint8Array {
  const out = q.slice();
  out[at]! ^= x;
  return out;
}

function mutationArbitrary(v: DcapVector, oracle: SignedBytesOracle): fc.Arbitrary<Mutation> {
  const q = v.quote;
  const c = v.collateral;
  const lengthFields = quoteLengthFields(q);
  const randomBytes = fc
    .uint8Array({ minLength: 0, maxLength: 6000 })
    .map((bytes) => ({ label: 'random quote', quote: bytes, collateral: c }));
  const truncated = fc
    .integer({ min: 0, max: q.length - 1 })
    .map((n) => ({ label: `quote cut to ${n} bytes`, quote: q.slice(0, n), collateral: c }));
  const lengthCorrupted = fc
    .tuple(
      fc.constantFrom(...lengthFields),
      fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: 0, max: 0xffffffff })),
    )
    .map(([field, value]) => {
      const out = q.slice();
      writeUint(out, field.offset, field.size, value);
      return { label: `length field at ${field.offset} set to ${value}`, quote: out, collateral: c };
    });
  const flipped = fc
    .tuple(fc.integer({ min: 0, max: q.length - 1 }), fc.integer({ min: 1, max: 255 }))
    .map(([at, x]) => ({ label: `quote byte ${at} ^ ${x}`, quote: flip(q, at, x), collateral: c }));
  // Most bytes of a quote are inside a few large parts; aiming at each part in turn reaches the
  // small ones (attestation key, QE auth data, signatures) as often as the body.
  const regions = oracle.quoteRegions.filter((r) => r.length > 0);
  const flippedInPart = fc
    .tuple(fc.constantFrom(...regions), fc.nat(), fc.integer({ min: 1, max: 255 }))
    .map(([region, pos, x]) => {
      const at = region.offset + (pos % region.length);
      return { label: `${region.name} byte ${at} ^ ${x}`, quote: flip(q, at, x), collateral: c };
    });
  const collateralMutated = fc
    .tuple(fc.constantFrom(...COLLATERAL_FIELDS), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean())
    .map(([field, pos, x, truncate]) => {
      const value = c[field];
      let next: string | Uint8Array;
      const at = pos % Math.max(1, value.length);
      if (typeof value === 'string') {
        next = truncate
          ? value.slice(0, at)
          : value.slice(0, at) + String.fromCharCode((value.charCodeAt(at) ^ x) & 0x7f) + value.slice(at + 1);
      } else {
        next = truncate ? value.slice(0, at) : flip(value, at, x);
      }
      const label = `collateral ${field} ${truncate ? `cut at ${at}` : `${typeof value === 'string' ? 'char' : 'byte'} ${at} ^ ${x}`}`;
      return { label, quote: q, collateral: { ...c, [field]: next } as Collateral };
    });
  // Signed JSON with one digit changed stays well-formed, so it reaches the signature check (and
  // gets past it, in a verifier that lost that check) where a random character mostly would not.
  const digitChanged = fc
    .tuple(fc.constantFrom('tcbInfo', 'qeIdentity'), fc.nat(), fc.integer({ min: 1, max: 9 }))
    .map(([field, pos, step]) => {
      const value = c[field];
      const digits = [...value.matchAll(/[0-9]/g)].map((match) => match.index);
      const at = digits[pos % digits.length]!;
      const digit = String((Number(value[at]) + step) % 10);
      return {
        label: `collateral ${field} digit ${at} -> ${digit}`,
        quote: q,
        collateral: { ...c, [field]: value.slice(0, at) + digit + value.slice(at + 1) },
      };
    });
  const garbageCollateral = fc
    .record({
      field: fc.constantFrom(...COLLATERAL_FIELDS),
      junk: fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
    })
    .map(({ field, junk }) => ({
      label: `collateral ${field} replaced`,
      quote: q,
      collateral: { ...c, [field]: junk } as Collateral,
    }));
  return fc.oneof(
    randomBytes,
    truncated,
    lengthCorrupted,
    flipped,
    { arbitrary: flippedInPart, weight: 4 },
    { arbitrary: collateralMutated, weight: 2 },
    digitChanged,
    garbageCollateral,
  );
}

export interface FuzzReport {
  readonly runs: number;
  readonly accepted: number;
  readonly rejected: Record<string, number>;
}

/** An accepted input whose signed bytes or verdict differ from the original's. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

/**
 * Runs `runs` inputs spread over the valid vectors; throws a FuzzFailure naming the first bad
 * acceptance (with the seed to replay it), or the error of any other failure.
 */
export function runDcapFuzz(opts: { runs: number; seed?: number }): FuzzReport {
  const { root, vectors } = loadDcapVectors();
  const verifier = createDcapVerifier({ trusted: { roots: [root] } });
  const valid = vectors.filter((v) => v.expect.valid);
  const cases = valid.map((v) => ({
    v,
    baseline: verifier.verify(v.quote, v.collateral, v.now),
    oracle: createSignedBytesOracle(v.quote, v.collateral),
  }));
  const rejected: Record<string, number> = {};
  let accepted = 0;
  const arbitrary = fc
    .constantFrom(...cases)
    .chain((each) => mutationArbitrary(each.v, each.oracle).map((m) => ({ each, m })));
  const property = fc.property(arbitrary, ({ each: { v, baseline, oracle }, m }) => {
    const outcome = attempt(verifier, m.quote, m.collateral, v.now);
    if (!outcome.ok) {
      rejected[outcome.code] = (rejected[outcome.code] ?? 0) + 1;
      return;
    }
    accepted++;
    const problems = oracle.check(m.quote, m.collateral);
    if (problems.length > 0) {
      throw new FuzzFailure(`${v.id}, ${m.label}: accepted, but ${problems.join('; ')}`);
    }
    assert.deepEqual(outcome.evidence, baseline, `${v.id}, ${m.label}: accepted with a different verdict`);
  });
  // No shrinking: the first failure already names the vector, the mutation and the signed part.
  const details = fc.check(property, {
    numRuns: opts.runs,
    endOnFailure: true,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  if (details.failed) {
    const error = details.errorInstance;
    const replay = `seed ${details.seed}, path ${details.counterexamplePath}`;
    if (error instanceof FuzzFailure) throw new FuzzFailure(`${error.message} (${replay})`, { cause: error });
    throw new Error(`DCAP fuzz failed (${replay}): ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  return { runs: opts.runs, accepted, rejected };
}

export interface SelfTestResult {
  readonly check: DisabledCheck;
  /** The oracle's FuzzFailure, when it caught the broken verifier. */
  readonly caught?: string;
  /** How many real signature checks the broken verifier skipped (0: the patch no longer reaches it). */
  readonly bypassed: number;
}

/** Runs the fuzz against verifiers with one signature check removed; each must be caught. */
export function runOracleSelfTest(opts: {
  runs: number;
  seed?: number;
  checks?: readonly DisabledCheck[];
}): SelfTestResult[] {
  return (opts.checks ?? DISABLED_CHECKS).map((check) => {
    const handle = disableVerifierCheck(check);
    try {
      runDcapFuzz(opts);
      return { check, bypassed: handle.bypassed() };
    } catch (error) {
      if (!(error instanceof FuzzFailure)) throw error;
      return { check, caught: error.message, bypassed: handle.bypassed() };
    } finally {
      handle.restore();
    }
  });
}

interface LengthField {
  readonly offset: number;
  readonly size: 2 | 4;
}

function readUint(b: Uint8Array, at: number, size: 2 | 4): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return v;
}

function writeUint(b: Uint8Array, at: number, size: 2 | 4, value: number): void {
  for (let i = 0; i < size; i++) b[at + i] = Math.floor(value / 256 ** i) & 0xff;
}

/** Offsets of every length/type field in a well-formed quote (first: the signature data length). */
function quoteLengthFields(q: Uint8Array): LengthField[] {
  const version = readUint(q, 0, 2);
  const tee = readUint(q, 4, 4);
  const fields: LengthField[] = [];
  let at = 48;
  if (version === 5) {
    fields.push({ offset: 48, size: 2 }, { offset: 50, size: 4 });
    at = 54 + readUint(q, 50, 4);
  } else {
    at += tee === 0 ? 384 : 584;
  }
  const sigLen = { offset: at, size: 4 as const };
  at += 4 + 128;
  if (version >= 4) {
    fields.push({ offset: at, size: 2 }, { offset: at + 2, size: 4 });
    at += 6;
  }
  at += 384 + 64;
  const authLen = { offset: at, size: 2 as const };
  at += 2 + readUint(q, at, 2);
  fields.push(authLen, { offset: at, size: 2 }, { offset: at + 2, size: 4 });
  return [sigLen, ...fields];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const selfTest = args[0] === '--self-test';
  const [runsArg, seedArg] = selfTest ? args.slice(1) : args;
  const runs = Number(runsArg ?? (selfTest ? 3000 : 100_000));
  const seed = seedArg !== undefined ? Number(seedArg) : Date.now() % 2 ** 31;
  const started = process.hrtime.bigint();
  const seconds = () => Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10;
  if (selfTest) {
    const results = runOracleSelfTest({ runs, seed });
    // A check whose patch never fired was not removed, so catching nothing there proves nothing.
    const missed = results.filter((r) => r.caught === undefined || r.bypassed === 0).map((r) => r.check);
    console.log(JSON.stringify({ runs, seed, seconds: seconds(), results, missed }, null, 2));
    process.exitCode = missed.length === 0 ? 0 : 1;
  } else {
    const report = runDcapFuzz({ runs, seed });
    console.log(JSON.stringify({ ...report, seed, seconds: seconds(), result: 'ok' }, null, 2));
  }
}
