// DCAP collateral in the JSON form of ../shared/vectors/attestation/*/collateral.json (the same
// fields Intel's PCS v4 API returns, flattened): CRLs as hex DER, TCB info and QE identity as the
// exact signed JSON strings (the signature covers those bytes, so they are kept as strings, never
// re-serialised), their signatures as hex r||s, and the issuer chains as PEM.
import { z } from 'zod';
import { bytesToHex, hexToBytes } from '../codec/bytes.js';
import { AttestationError } from './errors.js';

export interface Collateral {
  readonly pckCrlIssuerChain: string;
  readonly rootCaCrl: Uint8Array;
  readonly pckCrl: Uint8Array;
  readonly tcbInfoIssuerChain: string;
  readonly tcbInfo: string;
  readonly tcbInfoSignature: Uint8Array;
  readonly qeIdentityIssuerChain: string;
  readonly qeIdentity: string;
  readonly qeIdentitySignature: Uint8Array;
}

// Bounds keep a hostile document from costing more than parsing a real one would (real collateral
// is tens of kilobytes; a PCK CRL with many revocations can reach a few hundred).
const MAX_FIELD = 4 * 1024 * 1024;
const hex = z
  .string()
  .max(MAX_FIELD)
  .regex(/^(0x)?([0-9a-fA-F]{2})+$/, 'expected hex');
const text = z.string().min(1).max(MAX_FIELD);

const CollateralJson = z.object({
  pck_crl_issuer_chain: text,
  root_ca_crl: hex,
  pck_crl: hex,
  tcb_info_issuer_chain: text,
  tcb_info: text,
  tcb_info_signature: hex,
  qe_identity_issuer_chain: text,
  qe_identity: text,
  qe_identity_signature: hex,
});

/** Reads the snake_case JSON form (already parsed with JSON.parse). Unknown extra fields are ignored. */
export function parseCollateralJson(json: unknown): Collateral {
  const parsed = CollateralJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new AttestationError(
      'MalformedCollateral',
      `collateral field ${field || '(root)'}: ${issue?.message ?? 'invalid'}`,
      {
        field,
      },
    );
  }
  const j = parsed.data;
  const tcbInfoSignature = hexToBytes(j.tcb_info_signature);
  const qeIdentitySignature = hexToBytes(j.qe_identity_signature);
  // Intel signs TCB info and QE identity with ECDSA P-256, raw r||s (PCS API v4, "Signature").
  if (tcbInfoSignature.length !== 64) {
    throw new AttestationError(
      'MalformedCollateral',
      `tcb_info_signature is ${tcbInfoSignature.length} bytes, expected 64`,
      { field: 'tcb_info_signature' },
    );
  }
  if (qeIdentitySignature.length !== 64) {
    throw new AttestationError(
      'MalformedCollateral',
      `qe_identity_signature is ${qeIdentitySignature.length} bytes, expected 64`,
      { field: 'qe_identity_signature' },
    );
  }
  return {
    pckCrlIssuerChain: j.pck_crl_issuer_chain,
    rootCaCrl: hexToBytes(j.root_ca_crl),
    pckCrl: hexToBytes(j.pck_crl),
    tcbInfoIssuerChain: j.tcb_info_issuer_chain,
    tcbInfo: j.tcb_info,
    tcbInfoSignature,
    qeIdentityIssuerChain: j.qe_identity_issuer_chain,
    qeIdentity: j.qe_identity,
    qeIdentitySignature,
  };
}

/** The inverse of parseCollateralJson, with the field names of the vectors. */
export function collateralToJson(c: Collateral): Record<string, string> {
  return {
    pck_crl_issuer_chain: c.pckCrlIssuerChain,
    root_ca_crl: bytesToHex(c.rootCaCrl),
    pck_crl: bytesToHex(c.pckCrl),
    tcb_info_issuer_chain: c.tcbInfoIssuerChain,
    tcb_info: c.tcbInfo,
    tcb_info_signature: bytesToHex(c.tcbInfoSignature),
    qe_identity_issuer_chain: c.qeIdentityIssuerChain,
    qe_identity: c.qeIdentity,
    qe_identity_signature: bytesToHex(c.qeIdentitySignature),
  };
}
