// CRLs from the shared vectors (real Intel CRLs; expected values read with `openssl crl -text`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDcapVectors } from '../../../scripts/fuzz-attestation.js';
import { AttestationError } from '../errors.js';
import { parseCertificate } from './parseCertificate.js';
import { checkCrlTimes, isRevoked, parseCrl, verifyCrlIssuer } from './parseCrl.js';

const { root, vectors } = loadDcapVectors();
const rootCert = parseCertificate(root, 'Intel SGX Root CA');
const sgx = vectors.find((v) => v.id === 'dcapqvl-sgx-v3')!;
const tdx = vectors.find((v) => v.id === 'dcapqvl-tdx-v4')!;

describe('parseCrl', () => {
  it('reads the root CA CRL: issuer, times, signature by the Intel SGX Root CA', () => {
    const crl = parseCrl(sgx.collateral.rootCaCrl);
    verifyCrlIssuer(crl, rootCert, 'root CA CRL');
    // Last Update Mar 20 11:21:57 2025 GMT, Next Update Apr 3 11:21:57 2026 GMT.
    assert.equal(crl.thisUpdate, Date.UTC(2025, 2, 20, 11, 21, 57) / 1000);
    assert.equal(crl.nextUpdate, Date.UTC(2026, 3, 3, 11, 21, 57) / 1000);
    checkCrlTimes(crl, sgx.now, 'root CA CRL');
    assert.throws(() => checkCrlTimes(crl, crl.nextUpdate + 1, 'root CA CRL'), { code: 'CrlExpired' });
  });

  it('lists the 44 revoked serials of the Platform CA CRL, without leading zeros', () => {
    const crl = parseCrl(tdx.collateral.pckCrl);
    assert.equal(crl.revoked.size, 44);
    // First entry per openssl: Serial Number 6FC34E5023E728923435D61AA4B83C618166AD35.
    const revokedSerial = Buffer.from('6fc34e5023e728923435d61aa4b83c618166ad35', 'hex');
    const fake = { ...rootCert, serial: new Uint8Array(revokedSerial) };
    assert.equal(isRevoked(crl, fake), true);
    assert.equal(isRevoked(crl, rootCert), false);
  });

  it('rejects a CRL signed by another CA than the one claimed', () => {
    const crl = parseCrl(sgx.collateral.pckCrl);
    assert.throws(() => verifyCrlIssuer(crl, rootCert, 'PCK CRL'), { code: 'CrlInvalid' });
  });

  it('rejects truncated and padded DER as MalformedCrl', () => {
    const der = sgx.collateral.rootCaCrl;
    for (const bad of [der.subarray(0, der.length - 1), new Uint8Array([...der, 0]), new Uint8Array(0)]) {
      assert.throws(
        () => parseCrl(bad),
        (e: unknown) => e instanceof AttestationError && e.code === 'MalformedCrl',
      );
    }
  });
});
