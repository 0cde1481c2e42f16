// Which bytes of a DCAP quote and its collateral each signature covers, read from the specifications
// and not by the verifier under test (its parser is where the fuzz looks for mistakes): Intel SGX
// ECDSA Quote Library API, appendix A (quote v3); Intel TDX DCAP Quoting Library API, appendix A (v4,
// v5); RFC 5280 (certificates, CRLs); Intel PCS API v4 (TCB info, QE identity).
//
//   quote header and body (v5: with the body descriptor)   signed by the attestation key
//   attestation key, QE authentication data                hashed into the QE report data, so signed
//                                                          by the PCK key with the QE report
//   QE report                                              signed by the PCK key
//   each certificate's TBS (the quote's PCK chain and the  signed by the next certificate's key, the
//   collateral's three issuer chains)                      last one by its own
//   each CRL's TBSCertList                                 signed by its issuer
//   TCB info and QE identity JSON text                     signed by the TCB signing key
//
// The reader only locates these parts: it bounds-checks every length it follows and judges nothing
// else (no signature, no field's meaning), so it can read whatever a lenient verifier might accept.
import type { Collateral } from '../../src/attestation/collateral.js';
import { readSignedDer } from './readSignedDer.js';

export interface SignedPart {
  /** Stable across inputs, e.g. `quote.qeReport`, `collateral.tcbInfoIssuerChain[0].tbs`. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /**
   * `signed`: bytes that a signature covers, directly or through a signed hash; any accepted change
   * is a verifier bug. `signature`: a signature value, outside what it signs; a changed value is
   * acceptable only if it verifies too (ECDSA signatures are malleable), which the oracle checks.
   */
  readonly kind: 'signed' | 'signature';
  /** For messages: what covers this part (signed) or whose key made it (signature). */
  readonly coveredBy: string;
  /** A signature's signed part. */
  readonly over?: string;
  /** A signature's key: `quote.attestationKey` (raw x||y) or a certificate's `…tbs` part (its SPKI). */
  readonly signer?: string;
  readonly encoding?: 'ieee-p1363' | 'der';
  /** Certificates are numbered from the leaf; a chain may lose certificates at its end only. */
  readonly chain?: string;
}

/** A stretch of the quote (a part, or the PCK chain's PEM text), for targeted mutations. */
export interface QuoteRegion {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
}

export type SignedParts =
  | { readonly ok: true; readonly parts: SignedPart[]; readonly quoteRegions: QuoteRegion[] }
  | { readonly ok: false; readonly reason: string };

const HEADER = 48;
const SGX_REPORT = 384;
const TD10_REPORT = 584;
const TD15_REPORT = 648;
const QE_REPORT = 384;
const TEE_SGX = 0;
const TEE_TDX = 0x81;
const CERT_PCK_CHAIN = 5;
const CERT_QE_REPORT = 6;

class Unreadable extends Error {}

function u16(b: Uint8Array, at: number): number {
  if (at + 2 > b.length) throw new Unreadable(`u16 at ${at} runs past ${b.length}`);
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) throw new Unreadable(`u32 at ${at} runs past ${b.length}`);
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Where the header and body end (layouts by version and TEE type). */
function bodyEnd(q: Uint8Array): number {
  const version = u16(q, 0);
  const tee = u32(q, 4);
  if (version === 3 || version === 4) {
    if (tee === TEE_SGX) return HEADER + SGX_REPORT;
    if (tee === TEE_TDX && version === 4) return HEADER + TD10_REPORT;
    throw new Unreadable(`TEE type 0x${tee.toString(16)} in a v${version} quote`);
  }
  if (version === 5) {
    const size = u32(q, HEADER + 2);
    if (size !== SGX_REPORT && size !== TD10_REPORT && size !== TD15_REPORT) {
      throw new Unreadable(`v5 body size ${size}`);
    }
    return HEADER + 6 + size;
  }
  throw new Unreadable(`quote version ${version}`);
}

/** The DER of each PEM certificate block (RFC 7468), decoded as leniently as any verifier might. */
function pemCertificates(text: string, what: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const match of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')));
  }
  if (out.length === 0) throw new Unreadable(`${what}: no PEM certificate`);
  return out;
}

function chainParts(text: unknown, chain: string): SignedPart[] {
  if (typeof text !== 'string') throw new Unreadable(`${chain} is not text`);
  const certs = pemCertificates(text, chain);
  return certs.flatMap((der, index) => {
    const signed = readSignedDer(der);
    if (signed === undefined) throw new Unreadable(`${chain}[${index}] is not a certificate`);
    const issuer = `${chain}[${Math.min(index + 1, certs.length - 1)}]`;
    const name = `${chain}[${index}]`;
    return [
      { name: `${name}.tbs`, bytes: signed.tbs, kind: 'signed', coveredBy: `${name}.signature`, chain },
      {
        name: `${name}.algorithm`,
        bytes: signed.algorithm,
        kind: 'signed',
        coveredBy: 'RFC 5280 4.1.1.2: must equal the signed algorithm inside the TBS',
        chain,
      },
      {
        name: `${name}.signature`,
        bytes: signed.signature,
        kind: 'signature',
        coveredBy: `${issuer}'s key`,
        over: `${name}.tbs`,
        signer: `${issuer}.tbs`,
        encoding: 'der',
        chain,
      },
    ] satisfies SignedPart[];
  });
}

function crlParts(der: unknown, name: string, issuer: string): SignedPart[] {
  if (!(der instanceof Uint8Array)) throw new Unreadable(`${name} is not bytes`);
  const signed = readSignedDer(der);
  if (signed === undefined) throw new Unreadable(`${name} is not a CRL`);
  return [
    { name: `${name}.tbs`, bytes: signed.tbs, kind: 'signed', coveredBy: `${name}.signature` },
    {
      name: `${name}.algorithm`,
      bytes: signed.algorithm,
      kind: 'signed',
      coveredBy: 'RFC 5280 5.1.1.2: must equal the signed algorithm inside the TBS',
    },
    {
      name: `${name}.signature`,
      bytes: signed.signature,
      kind: 'signature',
      coveredBy: `${issuer}'s key`,
      over: `${name}.tbs`,
      signer: `${issuer}.tbs`,
      encoding: 'der',
    },
  ];
}

function jsonParts(json: unknown, signature: unknown, name: string, issuer: string): SignedPart[] {
  if (typeof json !== 'string') throw new Unreadable(`${name} is not text`);
  if (!(signature instanceof Uint8Array)) throw new Unreadable(`${name}Signature is not bytes`);
  return [
    // PCS signs the JSON text exactly as served (UTF-8), never a re-serialisation.
    { name, bytes: new Uint8Array(Buffer.from(json, 'utf8')), kind: 'signed', coveredBy: `${name}Signature` },
    {
      name: `${name}Signature`,
      bytes: signature,
      kind: 'signature',
      coveredBy: `${issuer}'s key`,
      over: name,
      signer: `${issuer}.tbs`,
      encoding: 'ieee-p1363',
    },
  ];
}

function quoteParts(q: Uint8Array): { parts: SignedPart[]; regions: QuoteRegion[] } {
  const parts: SignedPart[] = [];
  const regions: QuoteRegion[] = [];
  const end = bodyEnd(q);
  const sigStart = end + 4;
  const sigEnd = sigStart + u32(q, end);
  if (sigEnd > q.length) throw new Unreadable(`signature data runs past the quote's ${q.length} bytes`);
  /** Records `q[at, at + length)` as a part, which must end by `limit`; returns where it ends. */
  const part = (at: number, length: number, limit: number, rest: Omit<SignedPart, 'bytes'>): number => {
    if (at + length > limit)
      throw new Unreadable(`${rest.name} (${length} bytes at ${at}) runs past ${limit}`);
    parts.push({ ...rest, bytes: q.subarray(at, at + length) });
    regions.push({ name: rest.name, offset: at, length });
    return at + length;
  };
  const bound = 'the QE report data, SHA-256(attestation key || QE auth data), so quote.qeReportSignature';
  part(0, end, end, { name: 'quote.headerAndBody', kind: 'signed', coveredBy: 'quote.signature' });
  let at = part(sigStart, 64, sigEnd, {
    name: 'quote.signature',
    kind: 'signature',
    coveredBy: 'the attestation key',
    over: 'quote.headerAndBody',
    signer: 'quote.attestationKey',
    encoding: 'ieee-p1363',
  });
  at = part(at, 64, sigEnd, { name: 'quote.attestationKey', kind: 'signed', coveredBy: bound });
  let qeEnd = sigEnd;
  if (u16(q, 0) !== 3) {
    // v4 and v5 wrap the QE report and the PCK chain in certification data of type 6.
    const type = u16(q, at);
    if (type !== CERT_QE_REPORT) throw new Unreadable(`outer certification data type ${type}`);
    qeEnd = at + 6 + u32(q, at + 2);
    if (qeEnd > sigEnd) throw new Unreadable('QE report certification data runs past the signature data');
    at += 6;
  }
  at = part(at, QE_REPORT, qeEnd, {
    name: 'quote.qeReport',
    kind: 'signed',
    coveredBy: 'quote.qeReportSignature',
  });
  at = part(at, 64, qeEnd, {
    name: 'quote.qeReportSignature',
    kind: 'signature',
    coveredBy: 'the PCK key',
    over: 'quote.qeReport',
    signer: 'quote.pckChain[0].tbs',
    encoding: 'ieee-p1363',
  });
  at = part(at + 2, u16(q, at), qeEnd, { name: 'quote.qeAuthData', kind: 'signed', coveredBy: bound });
  const type = u16(q, at);
  if (type !== CERT_PCK_CHAIN) throw new Unreadable(`certification data type ${type}`);
  const pemAt = at + 6;
  const pemLength = u32(q, at + 2);
  if (pemAt + pemLength > qeEnd)
    throw new Unreadable('PCK certificate chain runs past its certification data');
  regions.push({ name: 'quote.pckChainPem', offset: pemAt, length: pemLength });
  const pem = Buffer.from(q.subarray(pemAt, pemAt + pemLength)).toString('latin1');
  return { parts: [...parts, ...chainParts(pem, 'quote.pckChain')], regions };
}

/** Every signed part and signature of a quote and its collateral, or why they cannot be located. */
export function readSignedParts(quote: Uint8Array, collateral: Collateral): SignedParts {
  try {
    if (!(quote instanceof Uint8Array)) throw new Unreadable('quote is not bytes');
    // Fuzzed collateral may hold anything in any field.
    const c = collateral as unknown as Record<keyof Collateral, unknown>;
    const inQuote = quoteParts(quote);
    const pckCrlChain = chainParts(c.pckCrlIssuerChain, 'collateral.pckCrlIssuerChain');
    // The PCK CRL chain ends in the root CA, which signs its own CRL (Intel PCS API v4, "Root CA CRL").
    const root = pckCrlChain.at(-1)!.name.replace(/\.signature$/, '');
    return {
      ok: true,
      quoteRegions: inQuote.regions,
      parts: [
        ...inQuote.parts,
        ...pckCrlChain,
        ...crlParts(c.pckCrl, 'collateral.pckCrl', 'collateral.pckCrlIssuerChain[0]'),
        ...crlParts(c.rootCaCrl, 'collateral.rootCaCrl', root),
        ...chainParts(c.tcbInfoIssuerChain, 'collateral.tcbInfoIssuerChain'),
        ...jsonParts(c.tcbInfo, c.tcbInfoSignature, 'collateral.tcbInfo', 'collateral.tcbInfoIssuerChain[0]'),
        ...chainParts(c.qeIdentityIssuerChain, 'collateral.qeIdentityIssuerChain'),
        ...jsonParts(
          c.qeIdentity,
          c.qeIdentitySignature,
          'collateral.qeIdentity',
          'collateral.qeIdentityIssuerChain[0]',
        ),
      ],
    };
  } catch (error) {
    if (error instanceof Unreadable) return { ok: false, reason: error.message };
    throw error;
  }
}
