// The one evidence check (DESIGN.md section 4, steps 4 and 5). The chain runs it on every
// registration (src/runtime/registry/verifyEvidence.ts) and a gatekeeper runs it again inside its TEE
// before it hands a worker the network key (src/worker/gatekeeper/checkWorkerEvidence.ts); the two
// must never disagree on the same bytes, policy and time, so there is exactly one. In order: the
// evidence verifies to a trusted root (DCAP or IAS), comes from the TEE it is claimed to, passes the
// policy, and its report data is the expected commitment. Every failure is a typed AttestationError.
//
// Verifiers keep parsed certificate chains and checked collateral signatures, so they are cached per
// set of trusted roots. A warm verification returns exactly what a cold one would (ARCHITECTURE.md,
// "Caching is invisible"), so the cache changes no verdict and the chain stays deterministic.
import { concatBytes, equalBytes, toHex } from '../codec/bytes.js';
import { blake2b256 } from '../codec/hash.js';
import { u32 } from '../codec/scale.js';
import type { Collateral } from './collateral.js';
import { createDcapVerifier, type DcapVerifier } from './dcap/verifyQuote.js';
import { AttestationError } from './errors.js';
import { verifyIasReport } from './ias/verifyIasReport.js';
import { type AttestationPolicy, enforcePolicy } from './policy.js';
import type { TeeType, VerifiedEvidence } from './types.js';

/** Evidence as the registry's `Evidence` codec carries it (src/runtime/registry/types.ts). */
export type EvidenceInput =
  | {
      readonly tag: 'Dcap';
      readonly value: { readonly quote: Uint8Array; readonly collateral: Collateral };
    }
  | {
      readonly tag: 'Ias';
      /** `signature` is the raw RSA signature (the base64 of `X-IASReport-Signature`, decoded). */
      readonly value: {
        readonly report: Uint8Array;
        readonly signature: Uint8Array;
        readonly signingCert: Uint8Array;
      };
    };

export interface EvidenceCheck {
  readonly evidence: EvidenceInput;
  /** DER of the roots the evidence must chain to. */
  readonly trustedRoots: readonly Uint8Array[];
  readonly policy: AttestationPolicy;
  /** Unix seconds at which collateral must be valid and IAS reports are aged. */
  readonly at: number;
  /** The TEE the evidence is claimed to come from. */
  readonly tee: TeeType;
  /** The 64 bytes of report data the evidence must carry (e.g. `workerInfoReportData(info)`). */
  readonly reportData: Uint8Array;
}

export interface CheckedEvidence {
  readonly verified: VerifiedEvidence;
  /** The confidence level the policy gave it (1 strongest .. 5). */
  readonly confidence: number;
}

const MAX_VERIFIERS = 8;
const verifiers = new Map<string, DcapVerifier>();
// A caller that keeps its decoded policy (the registry does, per stored value) passes the same roots
// array call after call: looking it up by identity skips hashing the roots each time.
const byRootsArray = new WeakMap<readonly Uint8Array[], DcapVerifier>();

function rootsKey(roots: readonly Uint8Array[]): string {
  // Length-prefixed, so that moving bytes between roots changes the key.
  return toHex(blake2b256(concatBytes(...roots.flatMap((der) => [u32.enc(der.length), der]))));
}

/** The cached DCAP verifier for a set of trusted roots (bounded: at most MAX_VERIFIERS sets). */
export function dcapVerifierFor(roots: readonly Uint8Array[]): DcapVerifier {
  const known = byRootsArray.get(roots);
  if (known !== undefined) return known;
  const key = rootsKey(roots);
  let verifier = verifiers.get(key);
  if (verifier === undefined) {
    if (verifiers.size >= MAX_VERIFIERS) verifiers.clear();
    verifier = createDcapVerifier({ trusted: { roots } });
    verifiers.set(key, verifier);
  }
  byRootsArray.set(roots, verifier);
  return verifier;
}

function verify(evidence: EvidenceInput, roots: readonly Uint8Array[], at: number): VerifiedEvidence {
  if (evidence.tag === 'Dcap') {
    return dcapVerifierFor(roots).verify(evidence.value.quote, evidence.value.collateral, at);
  }
  const { report, signature, signingCert } = evidence.value;
  return verifyIasReport(
    { report, signature: Buffer.from(signature).toString('base64'), signingCert },
    { trusted: { roots }, at },
  );
}

function checkOrThrow(check: EvidenceCheck): CheckedEvidence {
  const verified = verify(check.evidence, check.trustedRoots, check.at);
  if (verified.tee !== check.tee) {
    throw new AttestationError('TeeMismatch', `evidence comes from ${verified.tee}, claimed ${check.tee}`, {
      tee: verified.tee,
      claimed: check.tee,
    });
  }
  const confidence = enforcePolicy(verified, check.policy, check.at);
  if (!equalBytes(verified.reportData, check.reportData)) {
    throw new AttestationError(
      'ReportDataMismatch',
      `report data ${toHex(verified.reportData)} is not the expected ${toHex(check.reportData)}`,
    );
  }
  return { verified, confidence };
}

/**
 * Runs the one evidence check; throws AttestationError (policy refusals: 'PolicyRejected' with its
 * reason). The parsers and checks turn every defect of the input into a typed error, so anything else
 * thrown here is a bug of ours: it still rejects (fail closed), as 'InternalError', which callers log
 * and count as a bug rather than as bad evidence. Every caller runs the same code on the same bytes,
 * so the verdict is as deterministic as any other.
 */
export function checkEvidence(check: EvidenceCheck): CheckedEvidence {
  try {
    return checkOrThrow(check);
  } catch (error) {
    if (error instanceof AttestationError) throw error;
    throw new AttestationError(
      'InternalError',
      `internal error while checking evidence: ${(error as Error)?.message ?? String(error)}`,
      {},
      { cause: error },
    );
  }
}
