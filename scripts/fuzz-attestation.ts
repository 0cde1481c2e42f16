// Fuzzes the DCAP verifier with fast-check: random bytes, truncations, corrupted length fields and
// single-byte mutations of the real vectors (quotes and collateral). The property: verification
// either returns exactly the verdict of the untouched vector (a byte that nothing signs changed) or
// throws an AttestationError that is not the verifier's internal-error safety net. Never anything
// else, never a hang. `npx tsx scripts/fuzz-attestation.ts [runs] [seed]` (default 100,000 runs).
// The test suite imports `loadDcapVectors` and `runDcapFuzz` and runs a few thousand inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { type Collateral, parseCollateralJson } from '../src/attestation/collateral.js';
import { createDcapVerifier, type DcapVerifier } from '../src/attestation/dcap/verifyQuote.js';
import { isAttestationError } from '../src/attestation/errors.js';
import type { VerifiedEvidence } from '../src/attestation/types.js';

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
    if (error.details.internal === true)
      throw new Error(`internal error: ${error.message}`, { cause: error });
    return { ok: false, code: error.code };
  }
}

interface Mutation {
  readonly quote: Uint8Array;
  readonly collateral: Collateral;
  /** True when the mutation touched something signed or structural, so acceptance would be a bug. */
  readonly mustReject: boolean;
}

function mutationArbitrary(v: DcapVector): fc.Arbitrary<Mutation> {
  const q = v.quote;
  const c = v.collateral;
  // Where the quote's length fields are (v3 and v4/v5 layouts), found by walking the real vector.
  const lengthFields = quoteLengthFields(q);
  const signedEnd = lengthFields[0]?.offset ?? 48;
  const randomBytes = fc.uint8Array({ minLength: 0, maxLength: 6000 }).map((bytes) => ({
    quote: bytes,
    collateral: c,
    mustReject: true,
  }));
  const truncated = fc.integer({ min: 0, max: q.length - 1 }).map((n) => ({
    quote: q.slice(0, n),
    collateral: c,
    // Cutting only trailing padding leaves the quote whole.
    mustReject: n < quoteEnd(q),
  }));
  const lengthCorrupted = fc
    .tuple(
      fc.constantFrom(...lengthFields),
      fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: 0, max: 0xffffffff })),
    )
    .map(([field, value]) => {
      const out = q.slice();
      const original = readUint(out, field.offset, field.size);
      writeUint(out, field.offset, field.size, value);
      return {
        quote: out,
        collateral: c,
        mustReject: (value & (field.size === 2 ? 0xffff : 0xffffffff)) !== original,
      };
    });
  const flipped = fc
    .tuple(fc.integer({ min: 0, max: q.length - 1 }), fc.integer({ min: 1, max: 255 }))
    .map(([at, x]) => {
      const out = q.slice();
      out[at]! ^= x;
      return { quote: out, collateral: c, mustReject: at < signedEnd };
    });
  const collateralFields = [
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
  const collateralMutated = fc
    .tuple(fc.constantFrom(...collateralFields), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean())
    .map(([field, pos, x, truncate]) => {
      const value = c[field];
      let next: string | Uint8Array;
      if (typeof value === 'string') {
        const at = pos % Math.max(1, value.length);
        next = truncate
          ? value.slice(0, at)
          : value.slice(0, at) + String.fromCharCode((value.charCodeAt(at) ^ x) & 0x7f) + value.slice(at + 1);
      } else {
        const at = pos % Math.max(1, value.length);
        const out = truncate ? value.slice(0, at) : value.slice();
        if (!truncate) out[at]! ^= x;
        next = out;
      }
      const signedText = field === 'tcbInfo' || field === 'qeIdentity';
      const bytes = typeof value !== 'string';
      return {
        quote: q,
        collateral: { ...c, [field]: next } as Collateral,
        // Signed JSON, CRLs and signatures reject any change; a PEM chain may tolerate whitespace.
        mustReject: (signedText || bytes) && next !== value,
      };
    });
  const garbageCollateral = fc
    .record({
      field: fc.constantFrom(...collateralFields),
      junk: fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
    })
    .map(({ field, junk }) => ({
      quote: q,
      collateral: { ...c, [field]: junk } as Collateral,
      mustReject: true,
    }));
  return fc.oneof(randomBytes, truncated, lengthCorrupted, flipped, collateralMutated, garbageCollateral);
}

export interface FuzzReport {
  readonly runs: number;
  readonly accepted: number;
  readonly rejected: Record<string, number>;
}

/** Runs `runs` inputs spread over the valid vectors; throws (with fast-check's counterexample) on failure. */
export function runDcapFuzz(opts: { runs: number; seed?: number }): FuzzReport {
  const { root, vectors } = loadDcapVectors();
  const verifier = createDcapVerifier({ trusted: { roots: [root] } });
  const valid = vectors.filter((v) => v.expect.valid);
  const baseline = new Map(valid.map((v) => [v.id, verifier.verify(v.quote, v.collateral, v.now)]));
  const rejected: Record<string, number> = {};
  let accepted = 0;
  const arbitrary = fc.constantFrom(...valid).chain((v) => mutationArbitrary(v).map((m) => ({ v, m })));
  fc.assert(
    fc.property(arbitrary, ({ v, m }) => {
      const outcome = attempt(verifier, m.quote, m.collateral, v.now);
      if (outcome.ok) {
        accepted++;
        assert.ok(!m.mustReject, `${v.id}: accepted a mutation of a signed or structural byte`);
        assert.deepEqual(outcome.evidence, baseline.get(v.id), `${v.id}: accepted with a different verdict`);
      } else {
        rejected[outcome.code] = (rejected[outcome.code] ?? 0) + 1;
      }
    }),
    { numRuns: opts.runs, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) },
  );
  return { runs: opts.runs, accepted, rejected };
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

function quoteEnd(q: Uint8Array): number {
  const [sigLen] = quoteLengthFields(q);
  return sigLen!.offset + 4 + readUint(q, sigLen!.offset, 4);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.argv[2] ?? 100_000);
  const seed = process.argv[3] !== undefined ? Number(process.argv[3]) : Date.now() % 2 ** 31;
  const started = process.hrtime.bigint();
  const report = runDcapFuzz({ runs, seed });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    JSON.stringify({ ...report, seed, seconds: Math.round(seconds * 10) / 10, result: 'ok' }, null, 2),
  );
}
