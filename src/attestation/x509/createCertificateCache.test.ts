import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AttestationError } from '../errors.js';
import { createCertificateCache } from './createCertificateCache.js';
import { parseCertificate } from './parseCertificate.js';

const VECTORS = new URL('../../../../shared/vectors/attestation/', import.meta.url);
const rootDer = new Uint8Array(readFileSync(new URL('roots/intel-sgx-root-ca.der', VECTORS)));

describe('createCertificateCache', () => {
  it('parses each distinct DER once and returns the seeded root for its own bytes', () => {
    const root = parseCertificate(rootDer);
    const parse = createCertificateCache([root]);
    assert.equal(parse(rootDer.slice()), root);
    const other = new Uint8Array(readFileSync(new URL('intel-test-pki/tdx/trustedRootCaCert.pem', VECTORS)));
    const der = new Uint8Array(
      Buffer.from(
        Buffer.from(other)
          .toString('latin1')
          .replace(/-----[^-]+-----|\s/g, ''),
        'base64',
      ),
    );
    const first = parse(der);
    assert.equal(parse(der.slice()), first);
    assert.notEqual(first, root);
  });

  it('keeps the seeded roots when it evicts, and still rejects bad DER with AttestationError', () => {
    const root = parseCertificate(rootDer);
    const parse = createCertificateCache([root], 0);
    assert.throws(() => parse(new Uint8Array([0x30, 0x00])), AttestationError);
    assert.equal(parse(rootDer), root);
  });
});
