// The fuzz oracle for an accepted input: built from a valid original, it says what in a candidate
// differs from the original in bytes that some signature covers. A verifier that accepts such a
// candidate has lost a check, whatever verdict it returns: with its QE report signature check
// deleted, a verifier still accepts a QE report whose unchecked fields (MRENCLAVE, CPUSVN, reserved
// bytes) were changed, and only an oracle that knows the PCK key covers those 384 bytes sees it.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { Collateral } from '../../src/attestation/collateral.js';
import { readSubjectPublicKeyInfo } from './readSignedDer.js';
import { type QuoteRegion, readSignedParts, type SignedPart } from './readSignedParts.js';

export interface SignedBytesOracle {
  /** The original's parts, in reading order. */
  readonly parts: readonly SignedPart[];
  /** Where the original quote's parts are, for targeted mutations. */
  readonly quoteRegions: readonly QuoteRegion[];
  /** Every way an accepted candidate's signed bytes differ from the original's; empty if none. */
  check(quote: Uint8Array, collateral: Collateral): string[];
}

/** DER SubjectPublicKeyInfo prefix of an uncompressed P-256 point (RFC 5480 2.2). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export function createSignedBytesOracle(quote: Uint8Array, collateral: Collateral): SignedBytesOracle {
  const original = readSignedParts(quote, collateral);
  if (!original.ok) throw new Error(`the original input is unreadable: ${original.reason}`);
  const byName = new Map(original.parts.map((part) => [part.name, part]));
  const keys = new Map<string, KeyObject>();

  /** The original's key named by a signature part's `signer`. */
  const keyOf = (signer: string): KeyObject => {
    let key = keys.get(signer);
    if (key === undefined) {
      const part = byName.get(signer);
      if (part === undefined) throw new Error(`the original has no ${signer}`);
      const spki =
        signer === 'quote.attestationKey'
          ? Buffer.concat([P256_SPKI_PREFIX, Buffer.of(0x04), part.bytes])
          : readSubjectPublicKeyInfo(part.bytes);
      if (spki === undefined) throw new Error(`no public key in the original's ${signer}`);
      key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      keys.set(signer, key);
    }
    return key;
  };

  /** Whether `signature` signs the original's bytes under the original's key (every signature here is over SHA-256). */
  const stillVerifies = (part: SignedPart, signature: Uint8Array): boolean => {
    try {
      const signed = byName.get(part.over!)!.bytes;
      return verify('sha256', signed, { key: keyOf(part.signer!), dsaEncoding: part.encoding! }, signature);
    } catch {
      return false;
    }
  };

  return {
    parts: original.parts,
    quoteRegions: original.quoteRegions,
    check(candidateQuote, candidateCollateral) {
      const candidate = readSignedParts(candidateQuote, candidateCollateral);
      if (!candidate.ok) return [`its signed parts cannot be located (${candidate.reason})`];
      const problems: string[] = [];
      const theirs = new Map(candidate.parts.map((part) => [part.name, part]));
      for (const part of original.parts) {
        const other = theirs.get(part.name);
        if (other === undefined) {
          // A chain that ends early leaves its last certificates to the trust anchors; dropping
          // one in the middle shows up as a changed certificate at that position instead.
          if (part.chain === undefined) problems.push(`${part.name} is missing`);
          continue;
        }
        if (Buffer.compare(part.bytes, other.bytes) === 0) continue;
        if (part.kind === 'signed') {
          problems.push(`${part.name} differs (covered by ${part.coveredBy})`);
        } else if (!stillVerifies(part, other.bytes)) {
          problems.push(`${part.name} differs and does not verify under ${part.coveredBy}`);
        }
      }
      for (const part of candidate.parts) {
        if (!byName.has(part.name)) problems.push(`${part.name} is extra (not in the original)`);
      }
      return problems;
    },
  };
}
