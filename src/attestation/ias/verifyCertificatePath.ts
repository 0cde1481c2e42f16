// Path validation for the IAS signing chain (RFC 5280 section 6, the parts that matter for a fixed
// two-level Intel PKI): each certificate signed by the next, ending at a pinned root, every one
// valid at `at`, every issuer a CA. Trust comes from the pinned DER alone; a root that the
// presented chain carries is used only if it is byte-identical to a pinned one.
//
// Why not ../x509/verifyCertificateChain.ts (the DCAP PCK chain check): its semantics differ where it
// matters here. It also anchors on a presented root that merely has a pinned root's name and key
// (not pinned by DER); it accepts a chain that is only the pinned root, where this refuses the CA
// presented as the signing certificate; it requires every presented certificate to sit on one path,
// where this ignores extras in the header; and it works on its own DER parser's ParsedCertificate,
// which would change which malformed headers fail and with which code. Wrapping it to restore all of
// that would be longer than this file.
import type { X509Certificate } from 'node:crypto';
import { equalBytes } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';

export interface CertificatePath {
  /** Leaf first, pinned root last. */
  readonly certificates: readonly X509Certificate[];
  /** Unix seconds: the earliest notAfter along the path. */
  readonly expiresAt: number;
}

function raw(cert: X509Certificate): Uint8Array {
  return new Uint8Array(cert.raw);
}

function seconds(date: string): number {
  return Math.floor(new Date(date).getTime() / 1000);
}

function isIssuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    // An issuer key OpenSSL cannot use for this signature is simply not the issuer.
    return false;
  }
}

function checkValidity(cert: X509Certificate, at: number): void {
  const notBefore = seconds(cert.validFrom);
  const notAfter = seconds(cert.validTo);
  if (!(at >= notBefore && at <= notAfter)) {
    throw new AttestationError(
      'CertificateExpired',
      `certificate "${cert.subject.replace(/\n/g, ', ')}" is not valid at ${at} (valid ${notBefore}..${notAfter})`,
      { subject: cert.subject, notBefore, notAfter, at },
    );
  }
}

/** Builds and checks the path from `chain[0]` to one of `roots`; throws AttestationError. */
export function verifyCertificatePath(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  at: number,
): CertificatePath {
  const leaf = chain[0];
  if (leaf === undefined) throw new AttestationError('CertificateChainInvalid', 'certificate chain is empty');
  if (roots.length === 0) throw new AttestationError('UntrustedRoot', 'no trusted root certificate given');
  const isRoot = (cert: X509Certificate) => roots.some((root) => equalBytes(raw(root), raw(cert)));
  if (isRoot(leaf)) {
    throw new AttestationError('CertificateChainInvalid', 'the signing certificate is a root CA, not a leaf');
  }
  const intermediates = chain.slice(1).filter((cert) => !isRoot(cert));
  const path: X509Certificate[] = [leaf];
  let current = leaf;
  // Each step consumes an intermediate, so the walk ends after at most intermediates.length + 1 steps.
  for (let step = 0; step <= intermediates.length; step++) {
    const root = roots.find((r) => isIssuedBy(current, r));
    if (root !== undefined) {
      path.push(root);
      for (const cert of path) checkValidity(cert, at);
      for (const issuer of path.slice(1)) {
        if (!issuer.ca) {
          throw new AttestationError('CertificateChainInvalid', `issuer "${issuer.subject}" is not a CA`);
        }
      }
      return { certificates: path, expiresAt: Math.min(...path.map((c) => seconds(c.validTo))) };
    }
    const next = intermediates.find((c) => !path.includes(c) && isIssuedBy(current, c));
    if (next === undefined) break;
    path.push(next);
    current = next;
  }
  // Tell a forged signature (a named issuer whose key does not verify) from a foreign chain.
  const named = [...roots, ...intermediates].find((c) => {
    try {
      return current.checkIssued(c);
    } catch {
      return false;
    }
  });
  if (named !== undefined) {
    throw new AttestationError(
      'CertificateChainInvalid',
      `certificate "${current.subject}" does not verify under its issuer's key`,
      { subject: current.subject, issuer: current.issuer },
    );
  }
  throw new AttestationError('UntrustedRoot', `certificate chain does not end at a trusted root`, {
    subject: current.subject,
    issuer: current.issuer,
  });
}
