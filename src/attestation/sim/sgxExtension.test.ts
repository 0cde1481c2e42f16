import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { derEnumerated, derInteger, derOid } from './der.js';
import { encodeSgxExtension, SGX_EXTENSION_OID } from './sgxExtension.js';

const vectors = new URL('../../../../shared/vectors/attestation/dcap/', import.meta.url);

/** The PCK (leaf) certificate of a real v3 quote: the type-5 PEM chain at the end of the quote. */
function realPckCertificate(caseId: string): Certificate {
  const quote = readFileSync(new URL(`${caseId}/quote.bin`, vectors));
  const text = quote.toString('latin1');
  const start = text.indexOf('-----BEGIN CERTIFICATE-----');
  const end = text.indexOf('-----END CERTIFICATE-----', start);
  const base64 = text.slice(start + 27, end).replace(/\s+/g, '');
  return AsnConvert.parse(Buffer.from(base64, 'base64'), Certificate);
}

describe('encodeSgxExtension', () => {
  it("reproduces byte for byte the SGX extension of Intel's PCK certificate in the dcap-qvl SGX v3 vector", () => {
    const cert = realPckCertificate('dcapqvl-sgx-v3');
    const extension = cert.tbsCertificate.extensions?.find((e) => e.extnID === SGX_EXTENSION_OID);
    assert.ok(extension, 'the real PCK certificate carries the SGX extension');
    // Field values as `openssl asn1parse` shows them in that certificate.
    const ours = encodeSgxExtension({
      ppid: Buffer.from('d04ec06d4e6d92dc90d0ad3cf5ee2ddf', 'hex'),
      tcbComponents: [11, 11, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      pceSvn: 13,
      pceId: Uint8Array.of(0, 0),
      fmspc: Buffer.from('00a067110000', 'hex'),
      sgxType: 0,
    });
    assert.deepEqual(Buffer.from(ours), Buffer.from(extension.extnValue.buffer));
  });

  it('rejects fields of the wrong size', () => {
    const good = {
      ppid: new Uint8Array(16),
      tcbComponents: new Array<number>(16).fill(0),
      pceSvn: 0,
      pceId: new Uint8Array(2),
      fmspc: new Uint8Array(6),
      sgxType: 0,
    };
    assert.throws(() => encodeSgxExtension({ ...good, fmspc: new Uint8Array(5) }), RangeError);
    assert.throws(() => encodeSgxExtension({ ...good, tcbComponents: [1, 2, 3] }), RangeError);
    assert.throws(
      () => encodeSgxExtension({ ...good, tcbComponents: new Array<number>(16).fill(256) }),
      RangeError,
    );
  });
});

describe('der', () => {
  it('encodes integers minimally, with a leading zero when the top bit is set (X.690 8.3)', () => {
    assert.equal(Buffer.from(derInteger(0)).toString('hex'), '020100');
    assert.equal(Buffer.from(derInteger(127)).toString('hex'), '02017f');
    assert.equal(Buffer.from(derInteger(128)).toString('hex'), '02020080');
    assert.equal(Buffer.from(derInteger(255)).toString('hex'), '020200ff');
    assert.equal(Buffer.from(derInteger(65536)).toString('hex'), '0203010000');
    assert.equal(Buffer.from(derEnumerated(1)).toString('hex'), '0a0101');
  });

  it("encodes Intel's SGX extension OID and multi-byte arcs (X.690 8.19)", () => {
    assert.equal(Buffer.from(derOid('1.2.840.113741.1.13.1')).toString('hex'), '06092a864886f84d010d01');
    assert.equal(Buffer.from(derOid('2.5.29.19')).toString('hex'), '0603551d13');
  });
});
