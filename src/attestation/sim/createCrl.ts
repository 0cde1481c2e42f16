// X.509 v2 CRLs for the sim PKI, shaped like Intel's Root CA and PCK CRLs (../shared/vectors):
// version v2, ecdsa-with-SHA256, thisUpdate/nextUpdate, revoked entries with a reason code, and the
// CRL extensions CRL number and authority key identifier (RFC 5280 section 5).
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  CertificateList,
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509';
import { authorityKeyIdentifier, ECDSA_WITH_SHA256, encodeName, type SimName } from './createCertificate.js';
import { type SimKey, signDer } from './simKey.js';

export interface CrlRequest {
  readonly issuer: SimName;
  readonly issuerKey: SimKey;
  readonly thisUpdate: number; // unix seconds
  readonly nextUpdate: number;
  readonly crlNumber: number;
  readonly revokedSerials: readonly Uint8Array[];
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** The CRL's DER. */
export function createCrl(req: CrlRequest): Uint8Array {
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const revoked = req.revokedSerials.map(
    (serial) =>
      new RevokedCertificate({
        userCertificate: toArrayBuffer(serial),
        revocationDate: new Time(new Date(req.thisUpdate * 1000)),
        crlEntryExtensions: [
          new Extension({
            extnID: id_ce_cRLReasons,
            critical: false,
            extnValue: new OctetString(AsnConvert.serialize(new CRLReason(CRLReasons.keyCompromise))),
          }),
        ],
      }),
  );
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: algorithm,
    issuer: encodeName(req.issuer),
    thisUpdate: new Time(new Date(req.thisUpdate * 1000)),
    nextUpdate: new Time(new Date(req.nextUpdate * 1000)),
    ...(revoked.length > 0 ? { revokedCertificates: revoked } : {}),
    crlExtensions: new Extensions([
      new Extension({
        extnID: id_ce_cRLNumber,
        critical: false,
        extnValue: new OctetString(AsnConvert.serialize(new CRLNumber(req.crlNumber))),
      }),
      new Extension({
        extnID: id_ce_authorityKeyIdentifier,
        critical: false,
        extnValue: new OctetString(toArrayBuffer(authorityKeyIdentifier(req.issuerKey))),
      }),
    ]),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const crl = new CertificateList({
    tbsCertList: tbs,
    signatureAlgorithm: algorithm,
    signature: toArrayBuffer(signDer(req.issuerKey, tbsDer)),
  });
  return new Uint8Array(AsnConvert.serialize(crl));
}
