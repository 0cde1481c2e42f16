// X.509 CRLs (RFC 5280 section 5): the signature over the exact DER of tbsCertList, the issuer Name
// bytes, thisUpdate/nextUpdate, and the revoked serial numbers as a set for constant-time lookups.
// Read with the bounds-checked DER slicer: every length is checked against its container.
import { type KeyObject, verify as verifySignature } from 'node:crypto';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { type ParsedCertificate, stripLeadingZeros } from './parseCertificate.js';
import {
  type DerElement,
  decodeDerTime,
  decodeOid,
  readDerChildren,
  readDerTop,
  TAG_BIT_STRING,
  TAG_GENERALIZED_TIME,
  TAG_INTEGER,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_UTC_TIME,
} from './readDer.js';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const BAD = 'MalformedCrl';

export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly tbsRaw: Uint8Array;
  readonly issuerRaw: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  /** Unix seconds. */
  readonly thisUpdate: number;
  readonly nextUpdate: number;
  /** Hex of each revoked serial, leading zero bytes removed. */
  readonly revoked: ReadonlySet<string>;
}

export function parseCrl(der: Uint8Array, what = 'CRL'): ParsedCrl {
  const fail = (why: string): never => {
    throw new AttestationError(BAD, `${what}: ${why}`, {});
  };
  const top = readDerTop(der, BAD, what);
  const parts = top.tag === TAG_SEQUENCE ? readDerChildren(top, BAD, what) : [];
  const [tbs, algorithm, signature] = parts;
  if (parts.length !== 3 || tbs?.tag !== TAG_SEQUENCE || algorithm?.tag !== TAG_SEQUENCE) {
    fail('expected tbsCertList, algorithm, signature');
  }
  // BIT STRING: first content byte is the count of unused bits, zero for a DER signature.
  if (signature?.tag !== TAG_BIT_STRING || signature.value.length < 2 || signature.value[0] !== 0) {
    fail('bad signature BIT STRING');
  }
  const fields = readDerChildren(tbs!, BAD, what);
  // tbsCertList: version (INTEGER, optional), signature, issuer, thisUpdate, nextUpdate?, revoked?, [0] extensions?
  let i = fields[0]?.tag === TAG_INTEGER ? 1 : 0;
  const innerAlgorithm = fields[i++];
  const issuer = fields[i++];
  const thisUpdate = fields[i++];
  const nextUpdate = fields[i++];
  if (innerAlgorithm?.tag !== TAG_SEQUENCE || issuer?.tag !== TAG_SEQUENCE || thisUpdate === undefined) {
    fail('tbsCertList is missing fields');
  }
  if (
    nextUpdate === undefined ||
    (nextUpdate.tag !== TAG_UTC_TIME && nextUpdate.tag !== TAG_GENERALIZED_TIME)
  ) {
    // Without nextUpdate a CRL never goes stale; Intel's always carry one, so absence is malformed.
    fail('no nextUpdate');
  }
  const signatureAlgorithm = algorithmOid(algorithm!, what);
  if (signatureAlgorithm !== algorithmOid(innerAlgorithm!, what)) fail('signature algorithms disagree');
  const revoked = new Set<string>();
  const list = fields[i];
  if (list?.tag === TAG_SEQUENCE) {
    for (const entry of readDerChildren(list, BAD, what)) {
      const [serial] = entry.tag === TAG_SEQUENCE ? readDerChildren(entry, BAD, what) : [];
      if (serial?.tag !== TAG_INTEGER || serial.value.length === 0) fail('bad revoked certificate entry');
      revoked.add(bytesToHex(stripLeadingZeros(serial!.value)));
    }
    i++;
  }
  const rest = fields.slice(i);
  if (rest.length > 1 || (rest.length === 1 && rest[0]!.tag !== 0xa0))
    fail('unexpected fields after revoked list');
  return {
    der,
    tbsRaw: tbs!.raw,
    issuerRaw: issuer!.raw,
    signatureAlgorithm,
    signature: signature!.value.subarray(1),
    thisUpdate: decodeDerTime(thisUpdate!, BAD, `${what} thisUpdate`),
    nextUpdate: decodeDerTime(nextUpdate!, BAD, `${what} nextUpdate`),
    revoked,
  };
}

function algorithmOid(algorithm: DerElement, what: string): string {
  const [oid] = readDerChildren(algorithm, BAD, what);
  if (oid?.tag !== TAG_OID) throw new AttestationError(BAD, `${what}: bad algorithm identifier`, {});
  return decodeOid(oid.value, BAD, what);
}

/** The CRL is issued (name and signature) by `issuer`. Time is checked apart, by `checkCrlTimes`. */
export function verifyCrlIssuer(crl: ParsedCrl, issuer: ParsedCertificate, what: string): void {
  if (!equalBytes(crl.issuerRaw, issuer.subjectRaw)) {
    throw new AttestationError('CrlInvalid', `${what}: issuer is not ${issuer.subject}`, {
      expected: issuer.subject,
    });
  }
  if (!verifyCrlSignature(crl, issuer.publicKey)) {
    throw new AttestationError('CrlInvalid', `${what}: signature does not verify with ${issuer.subject}`, {
      issuer: issuer.subject,
    });
  }
}

function verifyCrlSignature(crl: ParsedCrl, key: KeyObject): boolean {
  try {
    if (crl.signatureAlgorithm === ECDSA_WITH_SHA256) {
      return verifySignature('sha256', crl.tbsRaw, { key, dsaEncoding: 'der' }, crl.signature);
    }
    if (crl.signatureAlgorithm === SHA256_WITH_RSA)
      return verifySignature('sha256', crl.tbsRaw, key, crl.signature);
    return false;
  } catch {
    // A key of the wrong type for the algorithm, or a malformed signature: not verified.
    return false;
  }
}

export function checkCrlTimes(crl: ParsedCrl, at: number, what: string): void {
  if (at < crl.thisUpdate || at > crl.nextUpdate) {
    throw new AttestationError('CrlExpired', `${what}: not valid at ${at}`, {
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      at,
    });
  }
}

export function isRevoked(crl: ParsedCrl, cert: ParsedCertificate): boolean {
  return crl.revoked.has(bytesToHex(cert.serial));
}
