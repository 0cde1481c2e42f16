// The part of DCAP verification that depends only on the collateral and the trusted roots: issuer
// chains, CRL and JSON signatures, parsed TCB info and QE identity. Its result holds no verdict about
// time; it lists validity windows that the caller checks at each verification instant, so one
// prepared collateral serves every quote (and every instant) it applies to.
import { verify as verifySignature } from 'node:crypto';
import type { Collateral } from '../collateral.js';
import { AttestationError, type AttestationErrorCode } from '../errors.js';
import type { ParseCertificate } from '../x509/createCertificateCache.js';
import { type ParsedCertificate, parseCertificate } from '../x509/parseCertificate.js';
import { isRevoked, type ParsedCrl, parseCrl, verifyCrlIssuer } from '../x509/parseCrl.js';
import { parsePemCertificates } from '../x509/pem.js';
import { type VerifiedChain, verifyCertificateChain } from '../x509/verifyCertificateChain.js';
import { checkPckCrlIssuerChain, checkTcbSigningChain } from './checkPkiRoles.js';
import { parseQeIdentity, type QeIdentity } from './parseQeIdentity.js';
import { parseTcbInfo, type TcbInfo } from './parseTcbInfo.js';

export interface ValidityWindow {
  readonly code: AttestationErrorCode;
  readonly what: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface PreparedCollateral {
  readonly root: ParsedCertificate;
  readonly rootCrl: ParsedCrl;
  readonly pckCrl: ParsedCrl;
  /** The PCK CA that signed the PCK CRL (leaf of pck_crl_issuer_chain, issued by the root). */
  readonly pckCrlIssuer: ParsedCertificate;
  readonly tcbInfo: TcbInfo;
  readonly qeIdentity: QeIdentity;
  readonly windows: readonly ValidityWindow[];
}

export function verifyChainPem(
  pem: string,
  roots: readonly ParsedCertificate[],
  what: string,
  parse: ParseCertificate = parseCertificate,
): VerifiedChain {
  const ders = parsePemCertificates(pem, 'MalformedCertificate', what);
  return verifyCertificateChain(
    ders.map((der, i) => parse(der, `${what}[${i}]`)),
    roots,
    what,
  );
}

export function chainWindow(chain: VerifiedChain, what: string): ValidityWindow {
  return { code: 'CertificateExpired', what, notBefore: chain.notBefore, notAfter: chain.notAfter };
}

/**
 * The certificate the root issued on this chain is not on the root CA CRL. A CRL lists only
 * certificates of its own issuer (RFC 5280 section 5; Intel's CRLs are not indirect CRLs): the root
 * CA CRL speaks for the CAs and the TCB Signing certificate, never for a PCK certificate, whose
 * serial the PCK CA chose and another CA's serial may equal. The PCK CRL covers the PCK certificate.
 */
export function checkNotRevokedByRoot(chain: VerifiedChain, rootCrl: ParsedCrl, what: string): void {
  // A verified path ends in the root, so the certificate before it is the one the root issued.
  const issuedByRoot = chain.certs[chain.certs.length - 2];
  if (issuedByRoot !== undefined && isRevoked(rootCrl, issuedByRoot)) {
    throw new AttestationError(
      'CertificateRevoked',
      `${what}: ${issuedByRoot.subject} is revoked by the root CA CRL`,
      { subject: issuedByRoot.subject },
    );
  }
}

function verifyJsonSignature(
  json: string,
  signature: Uint8Array,
  signer: ParsedCertificate,
  code: AttestationErrorCode,
  what: string,
): void {
  let ok = false;
  try {
    // The signature covers the exact UTF-8 bytes of the JSON object as served (PCS API v4).
    ok = verifySignature(
      'sha256',
      Buffer.from(json, 'utf8'),
      { key: signer.publicKey, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    ok = false;
  }
  if (!ok) throw new AttestationError(code, `${what} signature does not verify with ${signer.subject}`, {});
}

export function prepareCollateral(
  collateral: Collateral,
  roots: readonly ParsedCertificate[],
  chainCache: Map<string, VerifiedChain> = new Map(),
  parse: ParseCertificate = parseCertificate,
): PreparedCollateral {
  const chain = (pem: string, what: string): VerifiedChain => {
    let verified = chainCache.get(pem);
    if (verified === undefined) {
      verified = verifyChainPem(pem, roots, what, parse);
      chainCache.set(pem, verified);
    }
    return verified;
  };
  if (typeof collateral !== 'object' || collateral === null) {
    throw new AttestationError('MalformedCollateral', 'collateral is not an object', {});
  }
  for (const field of ['rootCaCrl', 'pckCrl', 'tcbInfoSignature', 'qeIdentitySignature'] as const) {
    if (!(collateral[field] instanceof Uint8Array)) {
      throw new AttestationError('MalformedCollateral', `collateral ${field} is not bytes`, { field });
    }
  }
  for (const field of [
    'pckCrlIssuerChain',
    'tcbInfoIssuerChain',
    'tcbInfo',
    'qeIdentityIssuerChain',
    'qeIdentity',
  ] as const) {
    if (typeof collateral[field] !== 'string') {
      throw new AttestationError('MalformedCollateral', `collateral ${field} is not a string`, { field });
    }
  }

  const tcbChain = chain(collateral.tcbInfoIssuerChain, 'TCB info issuer chain');
  // Each signer is pinned to its role in Intel's PKI, not merely chained to the root (checkPkiRoles.ts).
  const tcbSigner = checkTcbSigningChain(tcbChain, 'TCB info issuer chain');
  const root = tcbChain.root;
  const rootCrl = parseCrl(collateral.rootCaCrl, 'root CA CRL');
  verifyCrlIssuer(rootCrl, root, 'root CA CRL');
  checkNotRevokedByRoot(tcbChain, rootCrl, 'TCB info issuer chain');

  const qeChain = chain(collateral.qeIdentityIssuerChain, 'QE identity issuer chain');
  const qeSigner = checkTcbSigningChain(qeChain, 'QE identity issuer chain');
  const pckCrlChain = chain(collateral.pckCrlIssuerChain, 'PCK CRL issuer chain');
  const pckCrlIssuer = checkPckCrlIssuerChain(pckCrlChain, 'PCK CRL issuer chain');
  for (const [c, what] of [
    [qeChain, 'QE identity issuer chain'],
    [pckCrlChain, 'PCK CRL issuer chain'],
  ] as const) {
    // One collateral set comes from one PKI: every chain ends in the root that signed the root CA CRL.
    if (c.root !== root) {
      throw new AttestationError(
        'CertificateChainInvalid',
        `${what} ends in a different root than the TCB info`,
        {},
      );
    }
    checkNotRevokedByRoot(c, rootCrl, what);
  }

  const pckCrl = parseCrl(collateral.pckCrl, 'PCK CRL');
  verifyCrlIssuer(pckCrl, pckCrlIssuer, 'PCK CRL');

  verifyJsonSignature(
    collateral.tcbInfo,
    collateral.tcbInfoSignature,
    tcbSigner,
    'TcbInfoInvalid',
    'TCB info',
  );
  verifyJsonSignature(
    collateral.qeIdentity,
    collateral.qeIdentitySignature,
    qeSigner,
    'QeIdentityInvalid',
    'QE identity',
  );
  const tcbInfo = parseTcbInfo(collateral.tcbInfo);
  const qeIdentity = parseQeIdentity(collateral.qeIdentity);

  return {
    root,
    rootCrl,
    pckCrl,
    pckCrlIssuer,
    tcbInfo,
    qeIdentity,
    windows: [
      chainWindow(tcbChain, 'TCB info issuer chain'),
      chainWindow(qeChain, 'QE identity issuer chain'),
      chainWindow(pckCrlChain, 'PCK CRL issuer chain'),
      {
        code: 'CrlExpired',
        what: 'root CA CRL',
        notBefore: rootCrl.thisUpdate,
        notAfter: rootCrl.nextUpdate,
      },
      { code: 'CrlExpired', what: 'PCK CRL', notBefore: pckCrl.thisUpdate, notAfter: pckCrl.nextUpdate },
      {
        code: 'TcbInfoExpired',
        what: 'TCB info',
        notBefore: tcbInfo.issueDate,
        notAfter: tcbInfo.nextUpdate,
      },
      {
        code: 'QeIdentityExpired',
        what: 'QE identity',
        notBefore: qeIdentity.issueDate,
        notAfter: qeIdentity.nextUpdate,
      },
    ],
  };
}

export function checkWindows(windows: readonly ValidityWindow[], at: number): void {
  for (const w of windows) {
    if (at < w.notBefore || at > w.notAfter) {
      throw new AttestationError(
        w.code,
        `${w.what} is not valid at ${at} (valid ${w.notBefore}..${w.notAfter})`,
        {
          notBefore: w.notBefore,
          notAfter: w.notAfter,
          at,
        },
      );
    }
  }
}
