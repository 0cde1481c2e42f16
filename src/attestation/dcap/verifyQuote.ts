// DCAP quote verification against pinned roots at a given instant (Intel "ECDSA Quote Verification"
// rules as implemented by Intel's QVL, QuoteVerifier.cpp 4.1.2.4.x). Pure: the time is an argument,
// nothing is read or written outside the verifier's own caches. `createDcapVerifier` keeps the
// collateral and PCK-chain work (chains, CRLs, JSON signatures) for reuse, keyed by content, so a warm
// verification costs the two ECDSA checks that are specific to each quote plus parsing.
import { createHash, createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import { equalBytes } from '../../codec/bytes.js';
import type { Collateral } from '../collateral.js';
import { AttestationError } from '../errors.js';
import { isSgxDebug, type SgxReportBody, toSgxMeasurements } from '../sgxReportBody.js';
import type { Measurements, VerifiedEvidence } from '../types.js';
import { createCertificateCache, type ParseCertificate } from '../x509/createCertificateCache.js';
import { type ParsedCertificate, parseCertificate } from '../x509/parseCertificate.js';
import { isRevoked } from '../x509/parseCrl.js';
import { parseSgxExtensions, type SgxExtensions } from '../x509/parseSgxExtensions.js';
import type { VerifiedChain } from '../x509/verifyCertificateChain.js';
import { checkPckChain } from './checkPkiRoles.js';
import { evaluateTcb, expectedTdxModule, matchQeTcbLevel } from './evaluateTcb.js';
import { parseQuote, type Quote } from './parseQuote.js';
import {
  chainWindow,
  checkNotRevokedByRoot,
  checkWindows,
  type PreparedCollateral,
  prepareCollateral,
  type ValidityWindow,
  verifyChainPem,
} from './prepareCollateral.js';

export interface TrustAnchors {
  /** DER of the trusted root CA certificates. */
  readonly roots: readonly Uint8Array[];
}

export interface DcapVerifier {
  verify(quote: Uint8Array, collateral: Collateral, at: number): VerifiedEvidence;
}

interface PreparedPck {
  readonly chain: VerifiedChain;
  readonly leaf: ParsedCertificate;
  readonly issuer: ParsedCertificate;
  readonly sgx: SgxExtensions;
  readonly window: ValidityWindow;
}

/** Caches are bounded: hostile callers can make us parse, not hoard. */
const MAX_CACHED = 256;

export function verifyQuote(
  quote: Uint8Array,
  collateral: Collateral,
  opts: { trusted: TrustAnchors; at: number },
): VerifiedEvidence {
  return createDcapVerifier({ trusted: opts.trusted }).verify(quote, collateral, opts.at);
}

export function createDcapVerifier(opts: { trusted: TrustAnchors }): DcapVerifier {
  const roots = opts.trusted.roots.map((der, i) => parseCertificate(der, `trusted root ${i}`));
  // Each distinct certificate is parsed once per verifier, even in a cold verification (the root and
  // the PCK CA each occur in two chains).
  const parse = createCertificateCache(roots);
  const chains = new Map<string, VerifiedChain>();
  const collaterals = new Map<string, PreparedCollateral>();
  const pcks = new Map<string, PreparedPck>();
  // A QE keeps its attestation key across quotes: importing it costs more than verifying with it.
  const attestationKeys = new Map<string, KeyObject | undefined>();
  // Fast path for the same collateral object passed again: its strings cannot change, its byte
  // fields can, so they are compared with the copies taken when it was prepared.
  const byObject = new WeakMap<Collateral, { prepared: PreparedCollateral; snapshot: Collateral }>();

  const collateralFor = (collateral: Collateral): PreparedCollateral => {
    const seen = byObject.get(collateral);
    if (seen !== undefined && sameCollateral(seen.snapshot, collateral)) return seen.prepared;
    const key = collateralKey(collateral);
    let prepared = collaterals.get(key);
    if (prepared === undefined) {
      if (chains.size > MAX_CACHED) chains.clear();
      prepared = prepareCollateral(collateral, roots, chains, parse);
      if (collaterals.size >= MAX_CACHED) collaterals.clear();
      collaterals.set(key, prepared);
    }
    byObject.set(collateral, { prepared, snapshot: snapshotOf(collateral) });
    return prepared;
  };

  const pckFor = (pem: string): PreparedPck => {
    let prepared = pcks.get(pem);
    if (prepared === undefined) {
      prepared = preparePck(pem, roots, parse);
      if (pcks.size >= MAX_CACHED) pcks.clear();
      pcks.set(pem, prepared);
    }
    return prepared;
  };

  return {
    verify(quoteBytes, collateral, at) {
      try {
        if (typeof at !== 'number' || !Number.isFinite(at)) {
          throw new AttestationError(
            'CollateralExpired',
            `verification time ${String(at)} is not a number`,
            {},
          );
        }
        const quote = parseQuote(quoteBytes);
        const prepared = collateralFor(collateral);
        const pck = pckFor(quote.pckChainPem);
        const keyId = Buffer.from(quote.attestationKey).toString('base64');
        let attestationKey = attestationKeys.get(keyId);
        if (!attestationKeys.has(keyId)) {
          attestationKey = p256FromRaw(quote.attestationKey);
          if (attestationKeys.size >= MAX_CACHED) attestationKeys.clear();
          attestationKeys.set(keyId, attestationKey);
        }
        return verifyPrepared(quote, prepared, pck, attestationKey, at);
      } catch (error) {
        if (error instanceof AttestationError) throw error;
        // A safety net: anything else is a bug in this verifier, reported as a rejection, never a
        // crash, and under its own code so that it is counted as a bug, not as bad evidence.
        throw new AttestationError(
          'InternalError',
          `internal error while verifying: ${(error as Error)?.message}`,
          {},
          { cause: error },
        );
      }
    },
  };
}

const BYTE_FIELDS = ['rootCaCrl', 'pckCrl', 'tcbInfoSignature', 'qeIdentitySignature'] as const;
const TEXT_FIELDS = [
  'pckCrlIssuerChain',
  'tcbInfoIssuerChain',
  'tcbInfo',
  'qeIdentityIssuerChain',
  'qeIdentity',
] as const;

function snapshotOf(c: Collateral): Collateral {
  const out: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) out[f] = c[f];
  for (const f of BYTE_FIELDS) out[f] = c[f].slice();
  return out as unknown as Collateral;
}

function sameCollateral(a: Collateral, b: Collateral): boolean {
  for (const f of TEXT_FIELDS) if (a[f] !== b[f]) return false;
  for (const f of BYTE_FIELDS) {
    const x = a[f];
    const y = b[f];
    if (!(y instanceof Uint8Array) || Buffer.compare(x, y) !== 0) return false;
  }
  return true;
}

function collateralKey(c: Collateral): string {
  const h = createHash('sha256');
  for (const part of [
    c.pckCrlIssuerChain,
    c.rootCaCrl,
    c.pckCrl,
    c.tcbInfoIssuerChain,
    c.tcbInfo,
    c.tcbInfoSignature,
    c.qeIdentityIssuerChain,
    c.qeIdentity,
    c.qeIdentitySignature,
  ]) {
    // Length-prefix every field so that moving bytes between fields changes the key.
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    if (!(bytes instanceof Uint8Array)) {
      throw new AttestationError('MalformedCollateral', 'collateral field is neither text nor bytes', {});
    }
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    h.update(length);
    h.update(bytes);
  }
  return h.digest('base64');
}

function preparePck(pem: string, roots: readonly ParsedCertificate[], parse: ParseCertificate): PreparedPck {
  const chain = verifyChainPem(pem, roots, 'PCK certificate chain', parse);
  // PCK certificate <- PCK Platform/Processor CA <- root, and nothing else (checkPkiRoles.ts).
  const { leaf, ca: issuer } = checkPckChain(chain, 'PCK certificate chain');
  // The PCK key signs the QE report with ECDSA P-256 (Quote Library API, "QE Report Signature").
  if (leaf.publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AttestationError('MalformedCertificate', 'PCK certificate key is not ECDSA P-256', {});
  }
  return {
    chain,
    leaf,
    issuer,
    sgx: parseSgxExtensions(leaf),
    window: chainWindow(chain, 'PCK certificate chain'),
  };
}

function verifyPrepared(
  quote: Quote,
  c: PreparedCollateral,
  pck: PreparedPck,
  attestationKey: KeyObject | undefined,
  at: number,
): VerifiedEvidence {
  // Chains, CRLs (QVL 4.1.2.4.5-4.1.2.4.7).
  if (pck.chain.root !== c.root) {
    throw new AttestationError(
      'CertificateChainInvalid',
      'PCK chain and collateral end in different roots',
      {},
    );
  }
  // The root CA CRL covers the PCK CA; the PCK certificate is covered by the PCK CRL alone, below.
  checkNotRevokedByRoot(pck.chain, c.rootCrl, 'PCK certificate chain');
  // The PCK CRL must be the one of the CA that issued this PCK certificate: same issuer name and
  // signed by that CA's key (the Platform CA's CRL says nothing about Processor CA certificates).
  if (
    !equalBytes(c.pckCrl.issuerRaw, pck.leaf.issuerRaw) ||
    !equalBytes(c.pckCrlIssuer.spki, pck.issuer.spki)
  ) {
    throw new AttestationError(
      'CrlInvalid',
      `PCK CRL is not issued by the PCK's CA (${pck.issuer.subject})`,
      {
        pckIssuer: pck.issuer.subject,
        crlIssuer: c.pckCrlIssuer.subject,
      },
    );
  }
  if (isRevoked(c.pckCrl, pck.leaf)) {
    throw new AttestationError('CertificateRevoked', 'PCK certificate is revoked by the PCK CRL', {});
  }
  checkWindows(c.windows, at);
  checkWindows([pck.window], at);

  // TCB info applies to this TEE and platform (4.1.2.4.9, 4.1.2.4.10).
  const { tcbInfo, qeIdentity } = c;
  if ((tcbInfo.id === 'TDX') !== (quote.tee === 'tdx')) {
    throw new AttestationError(
      'TcbInfoMismatch',
      `TCB info ${tcbInfo.id} does not apply to a ${quote.tee} quote`,
      {},
    );
  }
  if (!equalBytes(tcbInfo.fmspc, pck.sgx.fmspc) || !equalBytes(tcbInfo.pceId, pck.sgx.pceId)) {
    throw new AttestationError(
      'TcbInfoMismatch',
      'TCB info FMSPC or PCE-ID differs from the PCK certificate',
      {
        tcbInfoFmspc: Buffer.from(tcbInfo.fmspc).toString('hex'),
        pckFmspc: Buffer.from(pck.sgx.fmspc).toString('hex'),
      },
    );
  }

  // TDX module signer and attributes (4.1.2.4.11).
  const body = quote.body;
  if (body.kind === 'tdx') {
    const module = expectedTdxModule(tcbInfo, quote.version, body.teeTcbSvn);
    if (!equalBytes(module.mrSigner, body.mrSignerSeam)) {
      throw new AttestationError(
        'TdxModuleMismatch',
        'MRSIGNERSEAM differs from the TDX module identity',
        {},
      );
    }
    if (!equalMasked(body.seamAttributes, module.attributes, module.attributesMask)) {
      throw new AttestationError(
        'TdxModuleMismatch',
        'SEAM attributes differ from the TDX module identity',
        {},
      );
    }
  }

  // QE report signed by the PCK key, binding the attestation key (4.1.2.4.12, 4.1.2.4.13).
  if (!verifyP256(pck.leaf.publicKey, quote.qeReport.raw, quote.qeReportSignature)) {
    throw new AttestationError(
      'QeReportSignatureInvalid',
      'QE report signature does not verify with the PCK key',
      {},
    );
  }
  const binding = createHash('sha256').update(quote.attestationKey).update(quote.qeAuthData).digest();
  const reportData = quote.qeReport.reportData;
  if (!equalBytes(binding, reportData.subarray(0, 32)) || reportData.subarray(32).some((b) => b !== 0)) {
    throw new AttestationError(
      'QeReportDataMismatch',
      'QE report data is not SHA-256(attestation key || QE auth data) padded with zeros',
      {},
    );
  }

  // QE identity (4.1.2.4.14, 4.1.2.4.15).
  const expectedId = quote.tee === 'tdx' ? 'TD_QE' : 'QE';
  if (qeIdentity.id !== expectedId) {
    throw new AttestationError(
      'QeIdentityMismatch',
      `QE identity ${qeIdentity.id} does not apply to a ${quote.tee} quote`,
      {},
    );
  }
  checkQeReport(quote.qeReport, c);
  const qeLevel = matchQeTcbLevel(qeIdentity, quote.qeReport.isvSvn);

  // The quote itself (4.1.2.4.16).
  if (attestationKey === undefined || !verifyP256(attestationKey, quote.signedData, quote.signature)) {
    throw new AttestationError(
      'QuoteSignatureInvalid',
      'quote signature does not verify with the attestation key',
      {},
    );
  }

  // TCB level (4.1.2.4.17).
  const verdict = evaluateTcb({
    tcbInfo,
    quoteVersion: quote.version,
    pckComponents: pck.sgx.tcbComponents,
    pckPceSvn: pck.sgx.pceSvn,
    ...(body.kind === 'tdx' ? { teeTcbSvn: body.teeTcbSvn } : {}),
    qeLevel,
  });

  let expiresAt = pck.window.notAfter;
  for (const w of c.windows) expiresAt = Math.min(expiresAt, w.notAfter);
  return {
    kind: 'dcap',
    tee: quote.tee,
    quoteVersion: quote.version,
    tcbStatus: verdict.status,
    advisoryIds: verdict.advisoryIds,
    // TDX TDATTRIBUTES.DEBUG is bit 0 (TDX module ABI).
    debug: body.kind === 'sgx' ? isSgxDebug(body.attributes) : (body.tdAttributes[0]! & 0x01) !== 0,
    measurements: measurementsOf(quote),
    reportData: body.reportData.slice(),
    fmspc: pck.sgx.fmspc.slice(),
    collateralExpiresAt: expiresAt,
  };
}

function checkQeReport(report: SgxReportBody, c: PreparedCollateral): void {
  const id = c.qeIdentity;
  const mismatch = (what: string) =>
    new AttestationError('QeIdentityMismatch', `QE report ${what} does not match the QE identity`, {
      field: what,
    });
  if ((report.miscSelect & id.miscSelectMask) >>> 0 !== id.miscSelect) throw mismatch('MISCSELECT');
  for (let i = 0; i < 16; i++) {
    if ((report.attributes[i]! & id.attributesMask[i]!) !== id.attributes[i]) throw mismatch('ATTRIBUTES');
  }
  if (!equalBytes(report.mrSigner, id.mrSigner)) throw mismatch('MRSIGNER');
  if (report.isvProdId !== id.isvProdId) throw mismatch('ISVPRODID');
}

function equalMasked(value: Uint8Array, expected: Uint8Array, mask: Uint8Array): boolean {
  for (let i = 0; i < value.length; i++) {
    if (((value[i]! ^ (expected[i] ?? 0)) & (mask[i] ?? 0)) !== 0) return false;
  }
  return value.length === expected.length;
}

function verifyP256(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/**
 * The quote's attestation key is the raw x||y of a P-256 point; an off-curve point is no key.
 * Imported as JWK rather than as a DER SubjectPublicKeyInfo: OpenSSL 3 takes DER through its generic
 * decoder, which costs about twice as much, and a quote from a machine not seen before pays this
 * import once (bench/attestation.bench.ts, `dcap.warm.newPlatform`). OpenSSL checks that the point
 * is on the curve on either path.
 */
export function p256FromRaw(raw: Uint8Array): KeyObject | undefined {
  if (raw.length !== 64) return undefined;
  try {
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.from(raw.buffer, raw.byteOffset, 32).toString('base64url'),
        y: Buffer.from(raw.buffer, raw.byteOffset + 32, 32).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

function measurementsOf(quote: Quote): Measurements {
  const b = quote.body;
  if (b.kind === 'sgx') return toSgxMeasurements(b);
  return {
    tee: 'tdx',
    mrTd: b.mrTd.slice(),
    rtmr0: b.rtmr0.slice(),
    rtmr1: b.rtmr1.slice(),
    rtmr2: b.rtmr2.slice(),
    rtmr3: b.rtmr3.slice(),
    mrSeam: b.mrSeam.slice(),
    mrSignerSeam: b.mrSignerSeam.slice(),
    mrConfigId: b.mrConfigId.slice(),
    mrOwner: b.mrOwner.slice(),
    mrOwnerConfig: b.mrOwnerConfig.slice(),
    tdAttributes: b.tdAttributes.slice(),
    xfam: b.xfam.slice(),
    teeTcbSvn: b.teeTcbSvn.slice(),
    ...(b.mrServiceTd ? { mrServiceTd: b.mrServiceTd.slice() } : {}),
  };
}

// Part of this module's API (the collateral fetcher asks which FMSPC and CA a quote names).
export { type PckInfo, readPckInfo } from './readPckInfo.js';
