// X.509 v3 certificates for the sim PKI, shaped like Intel's SGX PKI certificates (the root, PCK CA,
// TCB signing and PCK certificates in ../shared/vectors): ecdsa-with-SHA256, names of CN/O/L/ST/C,
// and the extensions AKI, CRL distribution point, SKI, key usage (critical), basic constraints
// (critical), plus any extra (the SGX extension). The TBS is built with @peculiar/asn1-x509, signed
// with node:crypto, and assembled.
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  Extension,
  Extensions,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { type SimKey, signDer } from './simKey.js';

/** ecdsa-with-SHA256 (RFC 5758 section 3.2): parameters absent. */
export const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

export interface SimName {
  readonly commonName: string;
  readonly organization: string;
  readonly locality: string;
  readonly state: string;
  readonly country: string;
}

export interface CertificateRequest {
  readonly serial: Uint8Array; // positive, top bit clear
  readonly issuer: SimName;
  readonly issuerKey: SimKey;
  readonly subject: SimName;
  readonly subjectKey: SimKey;
  readonly notBefore: number; // unix seconds
  readonly notAfter: number;
  /** null: an end entity (CA:FALSE); a number: a CA with that path length. */
  readonly caPathLength: number | null;
  readonly keyUsage: number; // KeyUsageFlags bits
  readonly crlUrl: string;
  readonly extra?: readonly { oid: string; critical: boolean; value: Uint8Array }[];
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function attribute(type: string, value: AttributeValue): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
}

/** Intel's names: UTF8String for CN, O, L, ST and PrintableString for C (RFC 5280 appendix A). */
export function encodeName(name: SimName): Name {
  return new Name([
    attribute('2.5.4.3', new AttributeValue({ utf8String: name.commonName })),
    attribute('2.5.4.10', new AttributeValue({ utf8String: name.organization })),
    attribute('2.5.4.7', new AttributeValue({ utf8String: name.locality })),
    attribute('2.5.4.8', new AttributeValue({ utf8String: name.state })),
    attribute('2.5.4.6', new AttributeValue({ printableString: name.country })),
  ]);
}

/** RFC 5280 section 4.2.1.2, method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(key: SimKey): Uint8Array {
  const point = new Uint8Array(65);
  point[0] = 0x04;
  point.set(key.publicRaw, 1);
  return new Uint8Array(createHash('sha1').update(point).digest());
}

function extension(oid: string, critical: boolean, value: Uint8Array): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(toArrayBuffer(value)) });
}

export function crlDistributionPoint(url: string): Uint8Array {
  const point = new DistributionPoint({
    distributionPoint: new DistributionPointName({
      fullName: [new GeneralName({ uniformResourceIdentifier: url })],
    }),
  });
  return new Uint8Array(AsnConvert.serialize(new CRLDistributionPoints([point])));
}

export function authorityKeyIdentifier(issuerKey: SimKey): Uint8Array {
  const aki = new AuthorityKeyIdentifier({
    keyIdentifier: new KeyIdentifier(toArrayBuffer(keyIdentifier(issuerKey))),
  });
  return new Uint8Array(AsnConvert.serialize(aki));
}

/** The certificate's DER. */
export function createCertificate(req: CertificateRequest): Uint8Array {
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const basic = new BasicConstraints(
    req.caPathLength === null ? {} : { cA: true, pathLenConstraint: req.caPathLength },
  );
  const extensions = [
    extension(id_ce_authorityKeyIdentifier, false, authorityKeyIdentifier(req.issuerKey)),
    extension(id_ce_cRLDistributionPoints, false, crlDistributionPoint(req.crlUrl)),
    extension(
      id_ce_subjectKeyIdentifier,
      false,
      new Uint8Array(
        AsnConvert.serialize(new SubjectKeyIdentifier(toArrayBuffer(keyIdentifier(req.subjectKey)))),
      ),
    ),
    extension(id_ce_keyUsage, true, new Uint8Array(AsnConvert.serialize(new KeyUsage(req.keyUsage)))),
    extension(id_ce_basicConstraints, true, new Uint8Array(AsnConvert.serialize(basic))),
    ...(req.extra ?? []).map((e) => extension(e.oid, e.critical, e.value)),
  ];
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(req.serial),
    signature: algorithm,
    issuer: encodeName(req.issuer),
    validity: new Validity({
      notBefore: new Date(req.notBefore * 1000),
      notAfter: new Date(req.notAfter * 1000),
    }),
    subject: encodeName(req.subject),
    subjectPublicKeyInfo: AsnConvert.parse(req.subjectKey.spkiDer, SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: toArrayBuffer(signDer(req.issuerKey, tbsDer)),
  });
  return new Uint8Array(AsnConvert.serialize(certificate));
}
