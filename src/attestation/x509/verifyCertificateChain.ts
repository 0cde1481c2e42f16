// Path validation for the short chains Intel's PKI uses (leaf <- intermediate CA <- Intel SGX Root CA),
// after RFC 5280 section 6.1 reduced to what those chains need: name chaining, CA flag on issuers,
// each signature by the next certificate's key, and a trust anchor from the pinned set. Validity at a
// given instant is a separate check (`checkCertificateTimes`), so a verified chain can be cached and
// re-checked at each verification time.
import { equalBytes } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import type { ParsedCertificate } from './parseCertificate.js';

export interface VerifiedChain {
  /** Leaf first, ending with the trusted root (which may not have been in the input). */
  readonly certs: readonly ParsedCertificate[];
  readonly root: ParsedCertificate;
  /** The intersection of the validity windows of every certificate in the chain (unix seconds). */
  readonly notBefore: number;
  readonly notAfter: number;
}

export function verifyCertificateChain(
  given: readonly ParsedCertificate[],
  roots: readonly ParsedCertificate[],
  what: string,
): VerifiedChain {
  const input = orderChain(given, what);
  for (let i = 0; i + 1 < input.length; i++) {
    verifyIssued(input[i]!, input[i + 1]!, `${what}[${i}]`);
  }
  const last = input[input.length - 1]!;
  const certs = [...input];
  // The anchor is either the chain's own last certificate (byte-equal to a pinned root, or the same
  // name and key and signed by it), or the pinned root that issued the last certificate.
  let root = roots.find((r) => equalBytes(r.der, last.der));
  if (root === undefined) {
    const sameKeyAndName = roots.find(
      (r) => equalBytes(r.spki, last.spki) && equalBytes(r.subjectRaw, last.subjectRaw),
    );
    if (sameKeyAndName !== undefined && last.x509.verify(sameKeyAndName.publicKey)) {
      root = sameKeyAndName;
      certs[certs.length - 1] = sameKeyAndName;
    }
  }
  if (root === undefined) {
    const issuer = roots.find((r) => equalBytes(r.subjectRaw, last.issuerRaw));
    if (issuer !== undefined && !equalBytes(last.issuerRaw, last.subjectRaw)) {
      verifyIssued(last, issuer, `${what}[${input.length - 1}]`);
      root = issuer;
      certs.push(issuer);
    }
  }
  if (root === undefined) {
    throw new AttestationError('UntrustedRoot', `${what}: chain does not end in a trusted root`, {
      subject: last.subject,
    });
  }
  let notBefore = Number.NEGATIVE_INFINITY;
  let notAfter = Number.POSITIVE_INFINITY;
  for (const cert of certs) {
    notBefore = Math.max(notBefore, cert.notBefore);
    notAfter = Math.min(notAfter, cert.notAfter);
  }
  return { certs, root, notBefore, notAfter };
}

/**
 * Leaf first. PCS serves issuer chains leaf first, but some captures list the root first; Intel's QVL
 * accepts either, so the order is rebuilt from the names: one leaf, then each certificate's issuer.
 * Every certificate must sit on that single path.
 */
function orderChain(certs: readonly ParsedCertificate[], what: string): ParsedCertificate[] {
  if (certs.length === 0) throw new AttestationError('CertificateChainInvalid', `${what}: empty chain`, {});
  const isIssuerOfAnother = (c: ParsedCertificate) =>
    certs.some(
      (o) => o !== c && equalBytes(o.issuerRaw, c.subjectRaw) && !equalBytes(o.subjectRaw, c.subjectRaw),
    );
  const leaves = certs.filter((c) => !isIssuerOfAnother(c));
  if (leaves.length !== 1) {
    throw new AttestationError(
      'CertificateChainInvalid',
      `${what}: not a single path (${leaves.length} leaves)`,
      {},
    );
  }
  const out = [leaves[0]!];
  while (out.length < certs.length) {
    const current = out[out.length - 1]!;
    const next = certs.find((c) => !out.includes(c) && equalBytes(c.subjectRaw, current.issuerRaw));
    if (next === undefined) {
      throw new AttestationError(
        'CertificateChainInvalid',
        `${what}: certificates do not form one chain`,
        {},
      );
    }
    out.push(next);
  }
  return out;
}

function verifyIssued(child: ParsedCertificate, issuer: ParsedCertificate, what: string): void {
  if (!equalBytes(child.issuerRaw, issuer.subjectRaw)) {
    throw new AttestationError(
      'CertificateChainInvalid',
      `${what}: issuer name does not match the next certificate`,
      {
        issuer: child.x509.issuer,
        next: issuer.subject,
      },
    );
  }
  if (!issuer.isCa) {
    throw new AttestationError('CertificateChainInvalid', `${what}: issuer is not a CA certificate`, {
      issuer: issuer.subject,
    });
  }
  if (!child.x509.verify(issuer.publicKey)) {
    throw new AttestationError(
      'CertificateChainInvalid',
      `${what}: signature does not verify with the issuer key`,
      {
        subject: child.subject,
      },
    );
  }
}

/** Every certificate of the chain is valid at `at` (unix seconds). */
export function checkChainTimes(chain: VerifiedChain, at: number, what: string): void {
  for (const cert of chain.certs) {
    if (at < cert.notBefore || at > cert.notAfter) {
      throw new AttestationError(
        'CertificateExpired',
        `${what}: certificate ${cert.subject} is not valid at ${at}`,
        {
          subject: cert.subject,
          notBefore: cert.notBefore,
          notAfter: cert.notAfter,
          at,
        },
      );
    }
  }
}
