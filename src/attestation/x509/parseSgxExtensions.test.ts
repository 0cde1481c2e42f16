// The SGX extension of a real PCK certificate (dcap-qvl's SGX sample; values cross-checked with the
// FMSPC and PCE-ID of its TCB info and with `openssl x509 -serial -dates`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDcapVectors } from '../../../scripts/fuzz-attestation.js';
import { bytesToHex } from '../../codec/bytes.js';
import { parseQuote } from '../dcap/parseQuote.js';
import { parseCertificate } from './parseCertificate.js';
import { parseSgxExtensions } from './parseSgxExtensions.js';
import { parsePemCertificates } from './pem.js';
import { verifyCertificateChain } from './verifyCertificateChain.js';

const { root, vectors } = loadDcapVectors();
const v = vectors.find((x) => x.id === 'dcapqvl-sgx-v3')!;
const chainPem = parseQuote(v.quote).pckChainPem;
const certs = parsePemCertificates(chainPem, 'MalformedCertificate', 'PCK chain').map((d) =>
  parseCertificate(d),
);

describe('PCK certificate parsing', () => {
  it('reads the PCK certificate serial, validity and SGX extension', () => {
    const leaf = certs[0]!;
    assert.equal(bytesToHex(leaf.serial), '81b77732b761e98eb9b963a4abd1e5b9bf5dd8d6');
    assert.equal(leaf.notBefore, Date.UTC(2023, 8, 20, 21, 53, 43) / 1000);
    assert.equal(leaf.notAfter, Date.UTC(2030, 8, 20, 21, 53, 43) / 1000);
    const sgx = parseSgxExtensions(leaf);
    assert.equal(bytesToHex(sgx.fmspc), '00a067110000');
    assert.equal(bytesToHex(sgx.pceId), '0000');
    assert.deepEqual(sgx.tcbComponents, [11, 11, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(sgx.pceSvn, 13);
    assert.equal(bytesToHex(sgx.cpuSvn), '0b0b0202ff0100000000000000000000');
    assert.equal(sgx.ppid.length, 16);
  });

  it('rejects a certificate without the SGX extension (the root CA)', () => {
    assert.throws(() => parseSgxExtensions(certs[2]!), { code: 'PckExtensionInvalid' });
  });

  it('chains leaf <- Processor CA <- pinned root, in either order, and refuses without the root', () => {
    const rootCert = parseCertificate(root);
    const chain = verifyCertificateChain(certs, [rootCert], 'PCK chain');
    assert.equal(chain.root, rootCert);
    assert.equal(chain.notAfter, certs[0]!.notAfter);
    assert.equal(verifyCertificateChain([...certs].reverse(), [rootCert], 'PCK chain').certs[0], certs[0]);
    // Without the root in the input, the pinned root completes the chain.
    assert.equal(verifyCertificateChain(certs.slice(0, 2), [rootCert], 'PCK chain').certs.length, 3);
    assert.throws(() => verifyCertificateChain(certs, [], 'PCK chain'), { code: 'UntrustedRoot' });
    assert.throws(() => verifyCertificateChain([certs[0]!, certs[2]!], [rootCert], 'PCK chain'), {
      code: 'CertificateChainInvalid',
    });
  });

  it('accepts only CERTIFICATE blocks in PEM, with whitespace and a trailing NUL', () => {
    assert.equal(parsePemCertificates(`${chainPem}\n\0`, 'MalformedCertificate', 'x').length, 3);
    assert.throws(() => parsePemCertificates(`junk${chainPem}`, 'MalformedCertificate', 'x'), {
      code: 'MalformedCertificate',
    });
    assert.throws(() => parsePemCertificates('', 'MalformedCertificate', 'x'), {
      code: 'MalformedCertificate',
    });
    assert.throws(
      () =>
        parsePemCertificates(
          '-----BEGIN CERTIFICATE-----\nA*==\n-----END CERTIFICATE-----',
          'MalformedCertificate',
          'x',
        ),
      { code: 'MalformedCertificate' },
    );
  });

  it('rejects truncated certificate DER with MalformedCertificate', () => {
    const der = certs[0]!.der;
    for (let cut = 0; cut < der.length; cut += 37) {
      assert.throws(() => parseCertificate(der.subarray(0, cut)), { code: 'MalformedCertificate' });
    }
  });
});
