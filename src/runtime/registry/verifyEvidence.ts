// Verifies submitted evidence with the attestation library at the block's time, turning every
// AttestationError into the registry's dispatch error for it. Verification is a pure function of
// (evidence, roots, time), so the verifiers (which keep parsed chains and collateral) are cached per
// set of trusted roots across blocks without affecting determinism: a cache hit returns what a
// cold verification would.

import { createDcapVerifier, type DcapVerifier } from '../../attestation/dcap/verifyQuote.js';
import { AttestationError, type AttestationErrorCode } from '../../attestation/errors.js';
import { verifyIasReport } from '../../attestation/ias/verifyIasReport.js';
import type { VerifiedEvidence } from '../../attestation/types.js';
import { concatBytes, toHex } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import { u32 } from '../../codec/scale.js';
import { fail } from '../support/errors.js';
import { type RegistryErrorName, RegistryErrors } from './errors.js';
import type { Evidence } from './types.js';

/** Each library error code maps to one registry error; the Record makes the mapping exhaustive. */
export const ATTESTATION_ERROR_MAP: Readonly<Record<AttestationErrorCode, RegistryErrorName>> = {
  MalformedQuote: 'MalformedEvidence',
  UnsupportedQuoteVersion: 'MalformedEvidence',
  UnsupportedTeeType: 'MalformedEvidence',
  UnsupportedAttestationKeyType: 'MalformedEvidence',
  UnsupportedCertificationDataType: 'MalformedEvidence',
  MalformedCollateral: 'MalformedEvidence',
  MalformedCertificate: 'MalformedEvidence',
  MalformedCrl: 'MalformedEvidence',
  IasReportInvalid: 'MalformedEvidence',
  MalformedPolicy: 'MalformedEvidence',
  UntrustedRoot: 'UntrustedRoot',
  CertificateChainInvalid: 'InvalidEvidence',
  CrlInvalid: 'InvalidEvidence',
  PckExtensionInvalid: 'InvalidEvidence',
  TcbInfoInvalid: 'InvalidEvidence',
  TcbInfoMismatch: 'InvalidEvidence',
  QeIdentityInvalid: 'InvalidEvidence',
  QeIdentityMismatch: 'InvalidEvidence',
  QeReportSignatureInvalid: 'InvalidEvidence',
  QeReportDataMismatch: 'InvalidEvidence',
  QuoteSignatureInvalid: 'InvalidEvidence',
  TdxModuleMismatch: 'InvalidEvidence',
  IasSignatureInvalid: 'InvalidEvidence',
  PolicyRejected: 'InvalidEvidence',
  CertificateRevoked: 'CertificateRevoked',
  CertificateExpired: 'CollateralExpired',
  CrlExpired: 'CollateralExpired',
  TcbInfoExpired: 'CollateralExpired',
  QeIdentityExpired: 'CollateralExpired',
  CollateralExpired: 'CollateralExpired',
  TcbNotSupported: 'TcbNotSupported',
  // A revoked TCB is a status no policy may accept.
  TcbRevoked: 'TcbStatusRefused',
};

const MAX_VERIFIERS = 8;
const verifiers = new Map<string, DcapVerifier>();
// The policy in force is decoded once per stored value (policy.ts), so its roots array is the same
// object call after call: looking it up by identity skips hashing the roots for every registration.
const byRootsArray = new WeakMap<readonly Uint8Array[], DcapVerifier>();

function rootsKey(roots: readonly Uint8Array[]): string {
  // Length-prefixed, so that moving bytes between roots changes the key.
  return toHex(blake2b256(concatBytes(...roots.flatMap((der) => [u32.enc(der.length), der]))));
}

/** The cached DCAP verifier for a set of trusted roots. */
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

/**
 * Verifies `evidence` against `roots` at `at` (Unix seconds); fails the call with the mapped error.
 * Anything the library throws that is not an AttestationError is, like the DCAP verifier's own
 * safety net, a rejection of the input (MalformedEvidence), never a crash: every node runs the same
 * code on the same bytes, so that outcome is as deterministic as any other.
 */
export function verifyEvidence(
  evidence: Evidence,
  roots: readonly Uint8Array[],
  at: number,
): VerifiedEvidence {
  try {
    if (evidence.tag === 'Dcap') {
      return dcapVerifierFor(roots).verify(evidence.value.quote, evidence.value.collateral, at);
    }
    const { report, signature, signingCert } = evidence.value;
    return verifyIasReport(
      { report, signature: Buffer.from(signature).toString('base64'), signingCert },
      { trusted: { roots }, at },
    );
  } catch (error) {
    if (error instanceof AttestationError) return fail(RegistryErrors[ATTESTATION_ERROR_MAP[error.code]]);
    return fail(RegistryErrors.MalformedEvidence);
  }
}
