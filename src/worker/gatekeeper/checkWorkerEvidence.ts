// A gatekeeper's own re-check of a registration (DESIGN.md section 4, step 5): inside its TEE it does
// not take the chain's word that the evidence was good. It verifies the quote again with the
// attestation library against the roots of the chain's policy (read through a proof) at the time of
// a verified header, and checks that the quote commits to the very WorkerInfo the chain recorded.
import { createDcapVerifier, type DcapVerifier } from '../../attestation/dcap/verifyQuote.js';
import { verifyIasReport } from '../../attestation/ias/verifyIasReport.js';
import type { VerifiedEvidence } from '../../attestation/types.js';
import { bytesToHex, concatBytes, equalBytes } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import { type Evidence, type WorkerInfo, workerInfoReportData } from '../../runtime/registry/types.js';
import { WorkerError } from '../host/errors.js';

export interface EvidenceCheck {
  readonly info: WorkerInfo;
  readonly evidence: Evidence;
  /** DER roots from the chain's `registry.Policy`. */
  readonly trustedRoots: readonly Uint8Array[];
  readonly genesisHash: Uint8Array;
  /** Chain time (ms) of the verified header the check is made at. */
  readonly atMs: bigint;
}

function reject(message: string, cause?: unknown): never {
  throw new WorkerError('EvidenceRejected', message, {}, cause === undefined ? undefined : { cause });
}

/** Keeps parsed roots and collateral between checks; the verifier is pure, so caching changes no verdict. */
export function createEvidenceChecker(): (check: EvidenceCheck) => VerifiedEvidence {
  const verifiers = new Map<string, DcapVerifier>();
  const verifierFor = (roots: readonly Uint8Array[]): DcapVerifier => {
    const key = bytesToHex(blake2b256(concatBytes(...roots.map((der) => concatBytes(blake2b256(der))))));
    let verifier = verifiers.get(key);
    if (!verifier) {
      if (verifiers.size >= 4) verifiers.clear();
      verifier = createDcapVerifier({ trusted: { roots } });
      verifiers.set(key, verifier);
    }
    return verifier;
  };

  return ({ info, evidence, trustedRoots, genesisHash, atMs }) => {
    if (!equalBytes(info.genesisHash, genesisHash)) reject('WorkerInfo names another chain');
    const at = Number(atMs / 1000n);
    let verified: VerifiedEvidence;
    try {
      verified =
        evidence.tag === 'Dcap'
          ? verifierFor(trustedRoots).verify(evidence.value.quote, evidence.value.collateral, at)
          : verifyIasReport(
              {
                report: evidence.value.report,
                signature: Buffer.from(evidence.value.signature).toString('base64'),
                signingCert: evidence.value.signingCert,
              },
              { trusted: { roots: trustedRoots }, at },
            );
    } catch (cause) {
      reject(`evidence does not verify: ${(cause as Error).message}`, cause);
    }
    if (verified.tee !== info.features.tee)
      reject(`evidence is ${verified.tee}, WorkerInfo says ${info.features.tee}`);
    if (!equalBytes(verified.reportData, workerInfoReportData(info)))
      reject('the quote’s report data does not commit to the WorkerInfo');
    return verified;
  };
}
