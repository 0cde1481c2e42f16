// Which CRL speaks for which certificate (RFC 5280 section 5: a CRL lists certificates of its own
// issuer; Intel's QVL PckCertVerifier.cpp looks the PCK CA up in the root CA CRL and the PCK
// certificate in the PCK CRL). Serials are chosen by each issuer, so the root's CRL listing a number
// that happens to be a PCK certificate's says nothing about that PCK certificate.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCollateralJson } from '../collateral.js';
import { type AttestationErrorCode, isAttestationError } from '../errors.js';
import { createSimPki, type SimCollateral } from '../sim/createSimPki.js';
import { createSimQuote } from '../sim/createSimQuote.js';
import { platformTcbFor } from '../sim/simTcb.js';
import { pckCaSigner, serialOf, withPckCrl, withRootCaCrl } from '../sim/testing.js';
import { verifyQuote } from './verifyQuote.js';

const NOW = 1_750_000_000;
const AT = NOW + 3600;
const pki = createSimPki({ seed: new TextEncoder().encode('prepareCollateral.test'), now: NOW });
const trusted = { roots: [pki.rootCertDer] };
const reportData = new Uint8Array(64).fill(9);
const machine = pki.machine({ tee: 'sgx', ...platformTcbFor('sgx', 'UpToDate'), pckRevoked: false });
const quote = createSimQuote(pki, { tee: 'sgx', reportData }).quote;
const genuine = pki.collateral('sgx');
const pckSerial = serialOf(machine.pckCertDer);

function verify(collateral: SimCollateral) {
  return verifyQuote(quote, parseCollateralJson(collateral), { trusted, at: AT });
}

function rejects(fn: () => unknown, code: AttestationErrorCode, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isAttestationError(error), `expected an AttestationError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('each CRL revokes only the certificates its issuer issued', () => {
  it('does not revoke a PCK certificate whose serial the root CA CRL lists (the root never issued it)', () => {
    assert.equal(verify(withRootCaCrl(pki, genuine, [pckSerial])).tcbStatus, 'UpToDate');
  });

  it('revokes the same PCK certificate when the PCK CRL lists its serial', () => {
    const listed = withPckCrl(pki, genuine, pckCaSigner(pki), [pckSerial]);
    rejects(() => verify(listed), 'CertificateRevoked', /PCK certificate is revoked by the PCK CRL/);
  });

  it('revokes every chain through the PCK CA when the root CA CRL lists the PCK CA', () => {
    const listed = withRootCaCrl(pki, genuine, [serialOf(pki.pckCaCertDer)]);
    rejects(() => verify(listed), 'CertificateRevoked', /PCK Processor CA,.* is revoked by the root CA CRL/);
  });

  it('revokes the TCB Signing certificate when the root CA CRL lists it', () => {
    const listed = withRootCaCrl(pki, genuine, [serialOf(pki.tcbSigningCertDer)]);
    rejects(
      () => verify(listed),
      'CertificateRevoked',
      /TCB info issuer chain: CN=[^,]*TCB Signing,.* is revoked/,
    );
  });
});
