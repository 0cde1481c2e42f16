// Every byte that a signature covers is load-bearing: changing any one byte of a valid quote's signed
// region (header, body, and the signed/bound auth data up to the certification data), of the signed
// TCB info or QE identity JSON, or of either CRL makes verification fail with an AttestationError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadDcapVectors } from '../../../scripts/fuzz-attestation.js';
import type { Collateral } from '../collateral.js';
import { AttestationError } from '../errors.js';
import { parseQuote } from './parseQuote.js';
import { createDcapVerifier } from './verifyQuote.js';

const { root, vectors } = loadDcapVectors();
const valid = vectors.filter((v) => v.expect.valid);
const verifier = createDcapVerifier({ trusted: { roots: [root] } });

function assertRejected(quote: Uint8Array, collateral: Collateral, at: number): void {
  assert.throws(
    () => verifier.verify(quote, collateral, at),
    (error: unknown) => error instanceof AttestationError && error.code !== 'InternalError',
  );
}

/** End of the QE auth data plus the certification data type and size fields. */
function signedAndBoundEnd(quote: Uint8Array): number {
  const parsed = parseQuote(quote);
  return parsed.qeAuthData.byteOffset - quote.byteOffset + parsed.qeAuthData.length + 6;
}

const vector = fc.constantFrom(...valid);
const flip = fc.integer({ min: 1, max: 255 });

describe('tampering with signed bytes', () => {
  it('all valid vectors verify before tampering', () => {
    for (const v of valid) verifier.verify(v.quote, v.collateral, v.now);
  });

  it('rejects a quote with any single byte of its signed region changed', () => {
    fc.assert(
      fc.property(vector, fc.nat(), flip, (v, pos, x) => {
        const quote = v.quote.slice();
        quote[pos % signedAndBoundEnd(v.quote)]! ^= x;
        assertRejected(quote, v.collateral, v.now);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects collateral whose TCB info or QE identity JSON has any single character changed', () => {
    fc.assert(
      fc.property(vector, fc.constantFrom('tcbInfo', 'qeIdentity'), fc.nat(), flip, (v, field, pos, x) => {
        const text = v.collateral[field as 'tcbInfo' | 'qeIdentity'];
        const at = pos % text.length;
        const changed = String.fromCharCode((text.charCodeAt(at) ^ x) & 0x7f || 0x20);
        fc.pre(changed !== text[at]);
        const collateral = { ...v.collateral, [field]: text.slice(0, at) + changed + text.slice(at + 1) };
        assertRejected(v.quote, collateral, v.now);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects collateral with any single byte of the root CA CRL or the PCK CRL changed', () => {
    fc.assert(
      fc.property(vector, fc.constantFrom('rootCaCrl', 'pckCrl'), fc.nat(), flip, (v, field, pos, x) => {
        const crl = v.collateral[field as 'rootCaCrl' | 'pckCrl'].slice();
        crl[pos % crl.length]! ^= x;
        assertRejected(v.quote, { ...v.collateral, [field]: crl }, v.now);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects collateral with any single byte of a JSON signature changed', () => {
    fc.assert(
      fc.property(
        vector,
        fc.constantFrom('tcbInfoSignature', 'qeIdentitySignature'),
        fc.nat(),
        flip,
        (v, field, pos, x) => {
          const signature = v.collateral[field as 'tcbInfoSignature'].slice();
          signature[pos % 64]! ^= x;
          assertRejected(v.quote, { ...v.collateral, [field]: signature }, v.now);
        },
      ),
      { numRuns: 50 },
    );
  });
});
