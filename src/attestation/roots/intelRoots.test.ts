import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from './intelRoots.js';

const ROOTS = new URL('../../../../shared/vectors/attestation/roots/', import.meta.url);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('intelRoots', () => {
  it('ships the Intel SGX Root CA byte for byte, with the fingerprint in its comment', () => {
    const shared = new Uint8Array(readFileSync(new URL('intel-sgx-root-ca.der', ROOTS)));
    assert.deepEqual(INTEL_SGX_ROOT_CA_DER, shared);
    assert.equal(
      sha256(INTEL_SGX_ROOT_CA_DER),
      '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3',
    );
  });

  it('ships the Intel SGX Attestation Report Signing CA byte for byte, with the fingerprint in its comment', () => {
    const pem = readFileSync(new URL('intel-sgx-attestation-report-signing-ca.pem', ROOTS), 'utf8');
    assert.deepEqual(INTEL_IAS_SIGNING_CA_DER, new Uint8Array(new X509Certificate(pem).raw));
    assert.equal(
      sha256(INTEL_IAS_SIGNING_CA_DER),
      '7b42e41ec43b91db834a065de4f98a13c44d695570e839cfa8921e584e40735d',
    );
  });
});
