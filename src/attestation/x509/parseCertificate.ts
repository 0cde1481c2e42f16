// One X.509 certificate, parsed once into what the DCAP and IAS checks need. node:crypto does the
// signature work (X509Certificate.verify) and the key import; the DER slicer reads serial, validity,
// extensions and keeps the exact issuer/subject Name bytes, which RFC 5280 section 7.1 name chaining
// and Intel's QVL CRL issuer check (QuoteVerifier.cpp, 4.1.2.4.6) compare byte for byte. (A generic
// ASN.1 schema parser costs ~10x more here, and the cold path parses eight certificates per quote.)
import { type KeyObject, X509Certificate } from 'node:crypto';
import { AttestationError } from '../errors.js';
import {
  type DerElement,
  decodeDerTime,
  decodeOid,
  readDerChildren,
  readDerTop,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
} from './readDer.js';

export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING contents (the DER of the extension's own value). */
  readonly value: Uint8Array;
}

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly publicKey: KeyObject;
  /** DER of the SubjectPublicKeyInfo, to compare keys. */
  readonly spki: Uint8Array;
  readonly issuerRaw: Uint8Array;
  readonly subjectRaw: Uint8Array;
  /** Serial number without leading zero bytes (the form CRL entries are compared in). */
  readonly serial: Uint8Array;
  /** Unix seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly isCa: boolean;
  /** One line, for messages. */
  readonly subject: string;
  readonly extensions: readonly CertificateExtension[];
}

const BAD = 'MalformedCertificate';

export function parseCertificate(der: Uint8Array, what = 'certificate'): ParsedCertificate {
  const fail = (why: string): never => {
    throw new AttestationError(BAD, `${what}: ${why}`, {});
  };
  const top = readDerTop(der, BAD, what);
  const parts = readDerChildren(top, BAD, what);
  const tbs = parts[0];
  if (top.tag !== TAG_SEQUENCE || parts.length !== 3 || tbs?.tag !== TAG_SEQUENCE) {
    fail('not a Certificate SEQUENCE');
  }
  const fields = readDerChildren(tbs!, BAD, what);
  // tbsCertificate: [0] version (explicit, present in v3), serial, signature, issuer, validity, subject, spki, ...
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, validity, subject, spki] = fields.slice(base);
  if (serial?.tag !== TAG_INTEGER || serial.value.length === 0 || serial.value.length > 21)
    fail('bad serial number');
  if (issuer?.tag !== TAG_SEQUENCE || subject?.tag !== TAG_SEQUENCE || spki?.tag !== TAG_SEQUENCE) {
    fail('tbsCertificate is missing names or key');
  }
  if (validity?.tag !== TAG_SEQUENCE) fail('no validity');
  const times = readDerChildren(validity!, BAD, what);
  if (times.length !== 2) fail('validity is not two times');
  const extensions: CertificateExtension[] = [];
  const explicitExtensions = fields.find((f) => f.tag === 0xa3);
  if (explicitExtensions !== undefined) {
    const [list] = readDerChildren(explicitExtensions, BAD, what);
    if (list?.tag !== TAG_SEQUENCE) fail('extensions are not a SEQUENCE');
    for (const ext of readDerChildren(list!, BAD, what)) extensions.push(readExtension(ext, what));
  }
  let x509: X509Certificate;
  let publicKey: KeyObject;
  try {
    x509 = new X509Certificate(der);
    publicKey = x509.publicKey;
  } catch (error) {
    throw new AttestationError(
      BAD,
      `${what}: rejected by X.509 parser (${(error as Error).message})`,
      {},
      { cause: error },
    );
  }
  return {
    der,
    x509,
    publicKey,
    spki: spki!.raw,
    issuerRaw: issuer!.raw,
    subjectRaw: subject!.raw,
    serial: stripLeadingZeros(serial!.value),
    notBefore: decodeDerTime(times[0]!, BAD, `${what} notBefore`),
    notAfter: decodeDerTime(times[1]!, BAD, `${what} notAfter`),
    isCa: x509.ca,
    subject: x509.subject.replace(/\n/g, ', '),
    extensions,
  };
}

function readExtension(ext: DerElement, what: string): CertificateExtension {
  const parts = ext.tag === TAG_SEQUENCE ? readDerChildren(ext, BAD, what) : [];
  const oid = parts[0];
  const critical = parts.length === 3 ? parts[1] : undefined;
  const value = parts[parts.length - 1];
  if (
    oid?.tag !== TAG_OID ||
    value?.tag !== TAG_OCTET_STRING ||
    (parts.length !== 2 && parts.length !== 3) ||
    (critical !== undefined && (critical.tag !== 0x01 || critical.value.length !== 1))
  ) {
    throw new AttestationError(BAD, `${what}: malformed extension`, {});
  }
  return {
    oid: decodeOid(oid.value, BAD, what),
    critical: critical !== undefined && critical.value[0] !== 0,
    value: value.value,
  };
}

export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
