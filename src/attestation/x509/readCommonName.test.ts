import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { loadDcapVectors } from '../../../scripts/fuzz-attestation.js';
import { parseCertificate } from './parseCertificate.js';
import { readCommonName } from './readCommonName.js';

function nameDer(attributes: readonly [string, string][]): Uint8Array {
  const rdns = attributes.map(
    ([type, value]) =>
      new RelativeDistinguishedName([
        new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
      ]),
  );
  return new Uint8Array(AsnConvert.serialize(new Name(rdns)));
}

describe('readCommonName', () => {
  it("reads the CN of Intel's SGX Root CA from its DER subject", () => {
    const root = parseCertificate(loadDcapVectors().root);
    assert.equal(readCommonName(root.subjectRaw), 'Intel SGX Root CA');
  });

  it('reads one CN among other attributes, and nothing from a name without a CN or with two', () => {
    const O = '2.5.4.10';
    const CN = '2.5.4.3';
    assert.equal(
      readCommonName(
        nameDer([
          [O, 'Org'],
          [CN, 'Some SGX TCB Signing'],
        ]),
      ),
      'Some SGX TCB Signing',
    );
    assert.equal(readCommonName(nameDer([[O, 'SGX TCB Signing']])), '');
    // Two CNs: which one a role is read from would be a choice an attacker could exploit.
    assert.equal(
      readCommonName(
        nameDer([
          [CN, 'SGX TCB Signing'],
          [CN, 'Other'],
        ]),
      ),
      '',
    );
  });

  it('refuses bytes that are not DER with a typed error', () => {
    assert.throws(() => readCommonName(Uint8Array.of(0x30, 0x05, 0x31)), { code: 'MalformedCertificate' });
  });
});
