// The simulated TEE's PKI, mirroring Intel's SGX PKI (DESIGN.md section 6): a self-signed root CA, a
// PCK Processor CA, one PCK certificate per simulated machine (with Intel's SGX extension), a TCB
// signing certificate, signed TCB Info and QE Identity for SGX and TDX, and the root CA and PCK CRLs.
// Every name says "SIM" and "Insecure": nothing here is Intel's, and a chain that trusts this root
// trusts anyone who knows the seed. The shapes are Intel's, because the verifier pins them
// (dcap/checkPkiRoles.ts): the TCB signing certificate is issued by the root itself and is not a CA,
// the PCK CA is a CA issued by the root, and each CN carries the phrase of its role in Intel's names
// ("SGX TCB Signing", "SGX PCK Processor CA", "SGX PCK Certificate").
//
// Deterministic from the seed: every key, serial, PPID and FMSPC; validity periods come from `now`
// (never the wall clock). Signatures use OpenSSL's random nonces (see simKey.ts). Collateral is
// built once per TEE and machines once per platform TCB, so quotes are cheap.
import { createHash, X509Certificate } from 'node:crypto';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { bytesToHex, concatBytes, utf8 } from '../../codec/bytes.js';
import { createCertificate, type SimName } from './createCertificate.js';
import { createCrl } from './createCrl.js';
import { SimTeeError } from './errors.js';
import { encodeQeTail, encodeSgxReportBody } from './quoteLayout.js';
import { encodeSgxExtension, SGX_EXTENSION_OID } from './sgxExtension.js';
import { SIM_DEFAULT_XFRM, SIM_QE_MRENCLAVE, SIM_QE_MRSIGNER } from './simDefaults.js';
import { deriveSimBytes, deriveSimKey, type SimKey, signRaw } from './simKey.js';
import {
  createQeIdentityJson,
  createTcbInfoJson,
  SIM_PCE_ID,
  SIM_QE_PROD_ID,
  SIM_QE_SVN,
  type SimPlatformTcb,
} from './simTcb.js';

export type SimTee = 'sgx' | 'tdx';

export interface SimPkiOptions {
  readonly seed: Uint8Array;
  /** Unix seconds: certificates, CRLs, TCB Info and QE Identity are issued at this instant. */
  readonly now: number;
  /** How long TCB Info, QE Identity and the CRLs stay valid (their nextUpdate). Default 30 days, as Intel's. */
  readonly validitySeconds?: number;
  /** How long the certificates stay valid. Default 7 years, as Intel's PCK certificates. */
  readonly certValiditySeconds?: number;
}

/** The collateral JSON form of ../shared/vectors (field names and encodings exactly as there). */
export type SimCollateral = {
  readonly pck_crl_issuer_chain: string;
  readonly root_ca_crl: string;
  readonly pck_crl: string;
  readonly tcb_info_issuer_chain: string;
  readonly tcb_info: string;
  readonly tcb_info_signature: string;
  readonly qe_identity_issuer_chain: string;
  readonly qe_identity: string;
  readonly qe_identity_signature: string;
};

export interface SimMachineSpec {
  readonly tee: SimTee;
  /** The PCK certificate's TCB (for TDX machines, the SGX side; TEE_TCB_SVN lives in each quote). */
  readonly tcbComponents: readonly number[];
  readonly pceSvn: number;
  /** Whether the machine's PCK certificate is listed on the PCK CRL. */
  readonly pckRevoked: boolean;
}

/** A simulated machine: its PCK certificate and key, and its quoting enclave's attestation key. */
export interface SimMachine {
  readonly spec: SimMachineSpec;
  readonly pckKey: SimKey;
  readonly pckCertDer: Uint8Array;
  readonly attestationKey: SimKey;
  readonly qeReport: Uint8Array;
  readonly qeReportSignature: Uint8Array;
  readonly qeAuthData: Uint8Array;
  /** PCK, PCK CA and root certificates in PEM, NUL-terminated, as Intel's QE writes them. */
  readonly pckChainPem: Uint8Array;
  /** The quote's signature data after the attestation key (see quoteLayout.encodeQeTail). */
  readonly qeTail: Uint8Array;
  /** Header user data: a 16-byte QE/platform identifier and 4 zero bytes. */
  readonly userData: Uint8Array;
}

/** The sim PKI's private keys. Insecure by construction: tests use them to forge collateral. */
export interface SimPkiKeys {
  readonly root: SimKey;
  readonly pckCa: SimKey;
  readonly tcbSigning: SimKey;
}

export interface SimPkiNames {
  readonly root: SimName;
  readonly pckCa: SimName;
  readonly tcbSigning: SimName;
  readonly pck: SimName;
}

export interface SimPki {
  readonly rootName: string;
  readonly issuedAt: number;
  /** Unix seconds at which TCB Info, QE Identity and CRLs expire. */
  readonly nextUpdate: number;
  readonly certNotAfter: number;
  readonly rootCertDer: Uint8Array;
  readonly rootCertPem: string;
  readonly pckCaCertDer: Uint8Array;
  readonly tcbSigningCertDer: Uint8Array;
  readonly fmspc: Readonly<Record<SimTee, Uint8Array>>;
  readonly pckCrlDer: Uint8Array;
  readonly rootCaCrlDer: Uint8Array;
  readonly keys: SimPkiKeys;
  readonly names: SimPkiNames;
  collateral(tee: SimTee): SimCollateral;
  machine(spec: SimMachineSpec): SimMachine;
}

export const SIM_ROOT_CA_NAME = 'Phalanx SIM Insecure Root CA';
const DAY = 86_400;
const DEFAULT_VALIDITY = 30 * DAY;
const DEFAULT_CERT_VALIDITY = 7 * 365 * DAY;
const CRL_BASE = 'https://sim-insecure.phalanx.invalid/sgx/certification/v4';
/** QE authentication data as Intel's QE fills it (bytes 0x00..0x1f, as in every real vector). */
const QE_AUTH_DATA = Uint8Array.from({ length: 32 }, (_, i) => i);

function simName(commonName: string): SimName {
  return {
    commonName,
    organization: 'Phalanx SIM Insecure (not Intel)',
    locality: 'Nowhere',
    state: 'NA',
    country: 'ZZ',
  };
}

export function toPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** 20-byte positive serial (first byte in 0x01..0x7f), like Intel's. */
function serialFor(seed: Uint8Array, label: string): Uint8Array {
  const serial = deriveSimBytes(seed, `serial:${label}`).slice(0, 20);
  const first = serial[0]! & 0x7f;
  serial[0] = first === 0 ? 0x01 : first;
  return serial;
}

function checkOptions(opts: SimPkiOptions): void {
  const bad = (message: string): never => {
    throw new SimTeeError('InvalidSimPkiOptions', message);
  };
  if (!(opts.seed instanceof Uint8Array) || opts.seed.length === 0) bad('seed must be non-empty bytes');
  if (!Number.isSafeInteger(opts.now) || opts.now < 0) bad(`now must be unix seconds, got ${opts.now}`);
  for (const [name, value] of [
    ['validitySeconds', opts.validitySeconds],
    ['certValiditySeconds', opts.certValiditySeconds],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      bad(`${name} must be a positive integer, got ${value}`);
    }
  }
}

export function createSimPki(opts: SimPkiOptions): SimPki {
  checkOptions(opts);
  const seed = Uint8Array.from(opts.seed);
  const issuedAt = opts.now;
  const nextUpdate = issuedAt + (opts.validitySeconds ?? DEFAULT_VALIDITY);
  const certNotAfter = issuedAt + (opts.certValiditySeconds ?? DEFAULT_CERT_VALIDITY);

  const rootKey = deriveSimKey(seed, 'root-ca');
  const pckCaKey = deriveSimKey(seed, 'pck-processor-ca');
  const tcbKey = deriveSimKey(seed, 'tcb-signing');
  const rootName = simName(SIM_ROOT_CA_NAME);
  const pckCaName = simName('Phalanx SIM Insecure SGX PCK Processor CA');
  const tcbName = simName('Phalanx SIM Insecure SGX TCB Signing');
  const pckName = simName('Phalanx SIM Insecure SGX PCK Certificate');
  const caUsage = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;
  const signingUsage = KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation;
  const rootCrlUrl = `${CRL_BASE}/rootcacrl`;
  const pckCrlUrl = `${CRL_BASE}/pckcrl?ca=processor&encoding=der`;

  const rootCertDer = createCertificate({
    serial: serialFor(seed, 'root-ca'),
    issuer: rootName,
    issuerKey: rootKey,
    subject: rootName,
    subjectKey: rootKey,
    notBefore: issuedAt,
    notAfter: certNotAfter,
    caPathLength: 1,
    keyUsage: caUsage,
    crlUrl: rootCrlUrl,
  });
  const pckCaCertDer = createCertificate({
    serial: serialFor(seed, 'pck-processor-ca'),
    issuer: rootName,
    issuerKey: rootKey,
    subject: pckCaName,
    subjectKey: pckCaKey,
    notBefore: issuedAt,
    notAfter: certNotAfter,
    caPathLength: 0,
    keyUsage: caUsage,
    crlUrl: rootCrlUrl,
  });
  const tcbSigningCertDer = createCertificate({
    serial: serialFor(seed, 'tcb-signing'),
    issuer: rootName,
    issuerKey: rootKey,
    subject: tcbName,
    subjectKey: tcbKey,
    notBefore: issuedAt,
    notAfter: certNotAfter,
    caPathLength: null,
    keyUsage: signingUsage,
    crlUrl: rootCrlUrl,
  });
  const rootPem = toPem(rootCertDer);
  const pckCaPem = toPem(pckCaCertDer);
  const tcbPem = toPem(tcbSigningCertDer);

  const revokedPckSerial = (tee: SimTee): Uint8Array => serialFor(seed, `pck-revoked:${tee}`);
  const rootCaCrlDer = createCrl({
    issuer: rootName,
    issuerKey: rootKey,
    thisUpdate: issuedAt,
    nextUpdate,
    crlNumber: 1,
    revokedSerials: [],
  });
  const pckCrlDer = createCrl({
    issuer: pckCaName,
    issuerKey: pckCaKey,
    thisUpdate: issuedAt,
    nextUpdate,
    crlNumber: 1,
    // A couple of unrelated revoked serials, so that verifiers walk a non-trivial list.
    revokedSerials: [serialFor(seed, 'retired-1'), revokedPckSerial('sgx'), revokedPckSerial('tdx')],
  });

  // FMSPC: family-model-stepping-platform-custom SKU. Fixed, distinct for the two TEEs; a leading
  // 0xFE keeps them clear of Intel's.
  const fmspc: Record<SimTee, Uint8Array> = {
    sgx: Uint8Array.from([0xfe, 0x51, 0xa0, 0x00, 0x00, 0x00]),
    tdx: Uint8Array.from([0xfe, 0x51, 0xa0, 0x81, 0x00, 0x00]),
  };

  const collaterals = new Map<SimTee, SimCollateral>();
  function collateral(tee: SimTee): SimCollateral {
    const cached = collaterals.get(tee);
    if (cached) return cached;
    const times = { issueDate: issuedAt, nextUpdate };
    const tcbInfo = createTcbInfoJson(tee, fmspc[tee], times);
    const qeIdentity = createQeIdentityJson(tee, SIM_QE_MRSIGNER, times);
    const built: SimCollateral = {
      pck_crl_issuer_chain: pckCaPem + rootPem,
      root_ca_crl: bytesToHex(rootCaCrlDer),
      pck_crl: bytesToHex(pckCrlDer),
      tcb_info_issuer_chain: tcbPem + rootPem,
      tcb_info: tcbInfo,
      tcb_info_signature: bytesToHex(signRaw(tcbKey, utf8(tcbInfo))),
      qe_identity_issuer_chain: tcbPem + rootPem,
      qe_identity: qeIdentity,
      qe_identity_signature: bytesToHex(signRaw(tcbKey, utf8(qeIdentity))),
    };
    collaterals.set(tee, built);
    return built;
  }

  const machines = new Map<string, SimMachine>();
  function machine(spec: SimMachineSpec): SimMachine {
    const key = `${spec.tee}/${spec.tcbComponents.join('.')}/${spec.pceSvn}/${spec.pckRevoked ? 'revoked' : 'valid'}`;
    const cached = machines.get(key);
    if (cached) return cached;
    const pckKey = deriveSimKey(seed, `pck:${key}`);
    const tcb: SimPlatformTcb = { tcbComponents: spec.tcbComponents, pceSvn: spec.pceSvn };
    const extension = encodeSgxExtension({
      ppid: deriveSimBytes(seed, `ppid:${key}`).slice(0, 16),
      tcbComponents: tcb.tcbComponents,
      pceSvn: tcb.pceSvn,
      pceId: SIM_PCE_ID,
      fmspc: fmspc[spec.tee],
      sgxType: 0,
    });
    const pckCertDer = createCertificate({
      serial: spec.pckRevoked ? revokedPckSerial(spec.tee) : serialFor(seed, `pck:${key}`),
      issuer: pckCaName,
      issuerKey: pckCaKey,
      subject: pckName,
      subjectKey: pckKey,
      notBefore: issuedAt,
      notAfter: certNotAfter,
      caPathLength: null,
      keyUsage: signingUsage,
      crlUrl: pckCrlUrl,
      extra: [{ oid: SGX_EXTENSION_OID, critical: false, value: extension }],
    });
    const attestationKey = deriveSimKey(seed, `attestation-key:${key}`);
    // QE report data binds the attestation key: SHA-256(attestation key || QE auth data) || 32 zero
    // bytes (Intel SGX ECDSA Quote Library API, A.4, "QE Report").
    const qeHash = new Uint8Array(
      createHash('sha256').update(concatBytes(attestationKey.publicRaw, QE_AUTH_DATA)).digest(),
    );
    const qeReport = encodeSgxReportBody({
      cpuSvn: Uint8Array.from(tcb.tcbComponents),
      miscSelect: 0,
      // INIT | MODE64BIT | PROVISIONKEY, XFRM as the enclave's (what Intel's QE reports carry).
      attributes: concatBytes(
        Uint8Array.of(0x15, 0, 0, 0, 0, 0, 0, 0),
        Uint8Array.of(SIM_DEFAULT_XFRM, 0, 0, 0, 0, 0, 0, 0),
      ),
      mrEnclave: SIM_QE_MRENCLAVE[spec.tee],
      mrSigner: SIM_QE_MRSIGNER,
      isvProdId: SIM_QE_PROD_ID[spec.tee],
      isvSvn: SIM_QE_SVN[spec.tee],
      reportData: concatBytes(qeHash, new Uint8Array(32)),
    });
    const qeReportSignature = signRaw(pckKey, qeReport);
    const pckChainPem = utf8(`${toPem(pckCertDer)}${pckCaPem}${rootPem}\0`);
    const built: SimMachine = {
      spec: { ...spec, tcbComponents: [...spec.tcbComponents] },
      pckKey,
      pckCertDer,
      attestationKey,
      qeReport,
      qeReportSignature,
      qeAuthData: QE_AUTH_DATA,
      pckChainPem,
      qeTail: encodeQeTail(spec.tee === 'sgx' ? 3 : 4, {
        qeReport,
        qeReportSignature,
        qeAuthData: QE_AUTH_DATA,
        pckChainPem,
      }),
      userData: concatBytes(deriveSimBytes(seed, `qe-id:${key}`).slice(0, 16), new Uint8Array(4)),
    };
    machines.set(key, built);
    return built;
  }

  // Fail here, not in a verifier, if the assembled root is not a well-formed self-signed certificate.
  const rootX509 = new X509Certificate(rootCertDer);
  if (!rootX509.verify(rootX509.publicKey)) throw new Error('sim root certificate does not verify');

  return {
    rootName: SIM_ROOT_CA_NAME,
    issuedAt,
    nextUpdate,
    certNotAfter,
    rootCertDer,
    rootCertPem: rootPem,
    pckCaCertDer,
    tcbSigningCertDer,
    fmspc,
    pckCrlDer,
    rootCaCrlDer,
    keys: { root: rootKey, pckCa: pckCaKey, tcbSigning: tcbKey },
    names: { root: rootName, pckCa: pckCaName, tcbSigning: tcbName, pck: pckName },
    collateral,
    machine,
  };
}
