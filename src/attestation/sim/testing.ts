// Forging sim collateral as someone holding one of the sim PKI's private keys would, for the attack
// tests in dcap/ and the registry: a platform that holds its own PCK key re-signs TCB info, a CA
// signs what is not its to sign, a CRL lists what its issuer never issued. Test fixtures only (the
// build excludes testing.ts files).
import { X509Certificate } from 'node:crypto';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { bytesToHex, hexToBytes, utf8 } from '../../codec/bytes.js';
import { createCertificate, type SimName } from './createCertificate.js';
import { createCrl } from './createCrl.js';
import { type SimCollateral, type SimMachine, type SimPki, toPem } from './createSimPki.js';
import { deriveSimBytes, deriveSimKey, type SimKey, signRaw } from './simKey.js';

/** A signer as the forger holds it: its private key, name, and its issuer chain as PEM. */
export interface Signer {
  readonly key: SimKey;
  readonly name: SimName;
  readonly certDer: Uint8Array;
  readonly chainPem: string;
}

/** The machine's own PCK certificate and key: what a platform whose CPU is compromised holds. */
export function pckSigner(pki: SimPki, machine: SimMachine): Signer {
  return {
    key: machine.pckKey,
    name: pki.names.pck,
    certDer: machine.pckCertDer,
    chainPem: toPem(machine.pckCertDer) + toPem(pki.pckCaCertDer) + pki.rootCertPem,
  };
}

/** The sim PKI's PCK CA (a CA issued by the root). */
export function pckCaSigner(pki: SimPki): Signer {
  return {
    key: pki.keys.pckCa,
    name: pki.names.pckCa,
    certDer: pki.pckCaCertDer,
    chainPem: toPem(pki.pckCaCertDer) + pki.rootCertPem,
  };
}

/** The sim PKI's genuine TCB signing certificate. */
export function tcbSigner(pki: SimPki): Signer {
  return {
    key: pki.keys.tcbSigning,
    name: pki.names.tcbSigning,
    certDer: pki.tcbSigningCertDer,
    chainPem: toPem(pki.tcbSigningCertDer) + pki.rootCertPem,
  };
}

/** The sim root itself, as a signer. */
export function rootSigner(pki: SimPki): Signer {
  return { key: pki.keys.root, name: pki.names.root, certDer: pki.rootCertDer, chainPem: pki.rootCertPem };
}

/** A further certificate under `issuer` (the root, or a CA): a CA (`ca`) or an end entity. */
export function issueCertificate(pki: SimPki, issuer: Signer, commonName: string, ca: boolean): Signer {
  const seed = utf8(`testing:${commonName}`);
  const key = deriveSimKey(seed, 'key');
  const name: SimName = { ...pki.names.root, commonName };
  const serial = deriveSimBytes(seed, 'serial').slice(0, 16);
  // Positive, and without a leading zero byte, as DER INTEGER serials are.
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const certDer = createCertificate({
    serial,
    issuer: issuer.name,
    issuerKey: issuer.key,
    subject: name,
    subjectKey: key,
    notBefore: pki.issuedAt,
    notAfter: pki.certNotAfter,
    caPathLength: ca ? 0 : null,
    keyUsage: ca
      ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
      : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
    crlUrl: 'https://sim-insecure.phalanx.invalid/testing',
  });
  return { key, name, certDer, chainPem: toPem(certDer) + issuer.chainPem };
}

/** The serial number of a certificate, as the bytes a CRL entry lists. */
export function serialOf(certDer: Uint8Array): Uint8Array {
  return hexToBytes(new X509Certificate(certDer).serialNumber);
}

/** A CRL signed by `issuer` in its own name, listing `serials`, valid as long as the PKI's collateral. */
export function crlBy(pki: SimPki, issuer: Signer, serials: readonly Uint8Array[]): Uint8Array {
  return createCrl({
    issuer: issuer.name,
    issuerKey: issuer.key,
    thisUpdate: pki.issuedAt,
    nextUpdate: pki.nextUpdate,
    crlNumber: 2,
    revokedSerials: serials,
  });
}

/** TCB info or QE identity JSON with every top-level TCB level UpToDate and without advisories. */
export function everyLevelUpToDate(json: string): string {
  const body = JSON.parse(json) as { tcbLevels: Record<string, unknown>[] };
  body.tcbLevels = body.tcbLevels.map(({ advisoryIDs: _, ...level }) => ({
    ...level,
    tcbStatus: 'UpToDate',
  }));
  return JSON.stringify(body);
}

/** `collateral` with its TCB info replaced by `json`, signed by `signer` and carrying its chain. */
export function withTcbInfo(collateral: SimCollateral, json: string, signer: Signer): SimCollateral {
  return {
    ...collateral,
    tcb_info: json,
    tcb_info_signature: bytesToHex(signRaw(signer.key, utf8(json))),
    tcb_info_issuer_chain: signer.chainPem,
  };
}

/** `collateral` with its QE identity replaced by `json`, signed by `signer` and carrying its chain. */
export function withQeIdentity(collateral: SimCollateral, json: string, signer: Signer): SimCollateral {
  return {
    ...collateral,
    qe_identity: json,
    qe_identity_signature: bytesToHex(signRaw(signer.key, utf8(json))),
    qe_identity_issuer_chain: signer.chainPem,
  };
}

/** `collateral` with its PCK CRL signed by `signer`, listing `serials`. */
export function withPckCrl(
  pki: SimPki,
  collateral: SimCollateral,
  signer: Signer,
  serials: readonly Uint8Array[] = [],
): SimCollateral {
  return {
    ...collateral,
    pck_crl: bytesToHex(crlBy(pki, signer, serials)),
    pck_crl_issuer_chain: signer.chainPem,
  };
}

/** `collateral` with a root CA CRL listing `serials`, signed by the sim root. */
export function withRootCaCrl(
  pki: SimPki,
  collateral: SimCollateral,
  serials: readonly Uint8Array[],
): SimCollateral {
  return { ...collateral, root_ca_crl: bytesToHex(crlBy(pki, rootSigner(pki), serials)) };
}
