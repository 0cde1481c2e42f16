import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { createSimPki, type SimPki } from './createSimPki.js';
import { SimTeeError } from './errors.js';
import { platformTcbFor } from './simTcb.js';

const NOW = 1_750_000_000;
const seed = new TextEncoder().encode('createSimPki.test');
const pki = createSimPki({ seed, now: NOW });

/** Test-local DER walk: the element at `offset` as [start of value, end]. */
function element(der: Uint8Array, offset: number): { header: number; end: number } {
  let length = der[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i]!;
    header += count;
  }
  return { header, end: offset + header + length };
}

/** Splits a signed X.509 structure (certificate or CRL) into its TBS bytes and DER signature. */
function splitSigned(der: Uint8Array): { tbs: Uint8Array; signature: Uint8Array } {
  const outer = element(der, 0);
  const tbsStart = outer.header;
  const tbsEnd = element(der, tbsStart).end;
  const algEnd = element(der, tbsEnd).end;
  const bits = element(der, algEnd);
  // Skip the BIT STRING's unused-bits byte.
  return { tbs: der.subarray(tbsStart, tbsEnd), signature: der.subarray(algEnd + bits.header + 1, bits.end) };
}

function machine(p: SimPki, tee: 'sgx' | 'tdx', pckRevoked = false) {
  const tcb = platformTcbFor(tee, 'UpToDate');
  return p.machine({ tee, tcbComponents: tcb.tcbComponents, pceSvn: tcb.pceSvn, pckRevoked });
}

describe('createSimPki', () => {
  it('issues a self-signed root whose name says SIM and Insecure', () => {
    const root = new X509Certificate(pki.rootCertDer);
    assert.match(root.subject, /SIM/);
    assert.match(root.subject, /Insecure/);
    assert.equal(root.subject, root.issuer);
    assert.ok(root.verify(root.publicKey));
    assert.ok(root.ca);
  });

  it('chains the PCK certificate to the root through the PCK Processor CA, and the TCB signer to the root', () => {
    const root = new X509Certificate(pki.rootCertDer);
    const pckCa = new X509Certificate(pki.pckCaCertDer);
    const tcb = new X509Certificate(pki.tcbSigningCertDer);
    const pck = new X509Certificate(machine(pki, 'sgx').pckCertDer);
    assert.match(pckCa.subject, /PCK Processor CA/);
    assert.ok(pckCa.checkIssued(root) && pckCa.verify(root.publicKey));
    assert.ok(tcb.checkIssued(root) && tcb.verify(root.publicKey));
    assert.ok(pck.checkIssued(pckCa) && pck.verify(pckCa.publicKey));
    assert.ok(!pck.verify(root.publicKey), 'the PCK certificate is not signed by the root itself');
    assert.ok(pckCa.ca && !tcb.ca && !pck.ca);
  });

  it('takes certificate validity from `now`, not from the clock', () => {
    const later = createSimPki({ seed, now: NOW + 86_400, certValiditySeconds: 1000 });
    const a = new X509Certificate(pki.rootCertDer);
    const b = new X509Certificate(later.rootCertDer);
    assert.equal(Date.parse(a.validFrom), NOW * 1000);
    assert.equal(Date.parse(b.validFrom), (NOW + 86_400) * 1000);
    assert.equal(Date.parse(b.validTo), (NOW + 86_400 + 1000) * 1000);
  });

  it('derives every key from the seed: the same seed gives the same keys, another seed other keys', () => {
    const again = createSimPki({ seed, now: NOW + 5 });
    const other = createSimPki({ seed: new TextEncoder().encode('another seed'), now: NOW });
    const key = (der: Uint8Array) => new X509Certificate(der).publicKey.export({ format: 'jwk' }).x;
    assert.equal(key(again.rootCertDer), key(pki.rootCertDer));
    assert.equal(key(machine(again, 'tdx').pckCertDer), key(machine(pki, 'tdx').pckCertDer));
    assert.deepEqual(
      machine(again, 'tdx').attestationKey.publicRaw,
      machine(pki, 'tdx').attestationKey.publicRaw,
    );
    assert.notEqual(key(other.rootCertDer), key(pki.rootCertDer));
    assert.notDeepEqual(
      machine(other, 'sgx').attestationKey.publicRaw,
      machine(pki, 'sgx').attestationKey.publicRaw,
    );
  });

  it('signs both CRLs with their issuers, and lists the revoked PCK certificate but not a valid one', () => {
    const root = new X509Certificate(pki.rootCertDer);
    const pckCa = new X509Certificate(pki.pckCaCertDer);
    for (const [crl, issuer] of [
      [pki.rootCaCrlDer, root],
      [pki.pckCrlDer, pckCa],
    ] as const) {
      const { tbs, signature } = splitSigned(crl);
      assert.ok(verify('sha256', tbs, issuer.publicKey, signature));
      const tampered = Uint8Array.from(tbs);
      tampered[tampered.length - 1]! ^= 1;
      assert.ok(!verify('sha256', tampered, issuer.publicKey, signature));
    }
    const parsed = AsnConvert.parse(pki.pckCrlDer, CertificateList);
    const serials = (parsed.tbsCertList.revokedCertificates ?? []).map((r) =>
      Buffer.from(r.userCertificate).toString('hex').toUpperCase(),
    );
    const serialOf = (der: Uint8Array) => new X509Certificate(der).serialNumber.toUpperCase();
    assert.ok(serials.includes(serialOf(machine(pki, 'sgx', true).pckCertDer)));
    assert.ok(!serials.includes(serialOf(machine(pki, 'sgx').pckCertDer)));
    const rootCrl = AsnConvert.parse(pki.rootCaCrlDer, CertificateList);
    assert.equal(rootCrl.tbsCertList.thisUpdate.getTime().getTime(), NOW * 1000);
    assert.equal(rootCrl.tbsCertList.nextUpdate?.getTime().getTime(), pki.nextUpdate * 1000);
  });

  it('signs TCB info and QE identity over their exact JSON bytes with the TCB signing key', () => {
    const tcbSigner = new X509Certificate(pki.tcbSigningCertDer).publicKey;
    for (const tee of ['sgx', 'tdx'] as const) {
      const c = pki.collateral(tee);
      for (const [json, sig] of [
        [c.tcb_info, c.tcb_info_signature],
        [c.qe_identity, c.qe_identity_signature],
      ] as const) {
        const signature = Buffer.from(sig, 'hex');
        assert.equal(signature.length, 64);
        const check = (text: string) =>
          verify(
            'sha256',
            Buffer.from(text, 'utf8'),
            { key: tcbSigner, dsaEncoding: 'ieee-p1363' },
            signature,
          );
        assert.ok(check(json));
        assert.ok(!check(json.replace('"version":', '"version": ')), 'a reformatted JSON no longer verifies');
      }
    }
  });

  it('writes the TCB info and QE identity that Intel publishes for each TEE, valid from `now`', () => {
    const short = createSimPki({ seed, now: NOW, validitySeconds: 3600 });
    const sgxInfo = JSON.parse(short.collateral('sgx').tcb_info);
    const tdxInfo = JSON.parse(short.collateral('tdx').tcb_info);
    assert.equal(sgxInfo.id, 'SGX');
    assert.equal(tdxInfo.id, 'TDX');
    assert.equal(sgxInfo.version, 3);
    assert.equal(sgxInfo.issueDate, '2025-06-15T15:06:40Z');
    assert.equal(sgxInfo.nextUpdate, '2025-06-15T16:06:40Z');
    assert.equal(sgxInfo.fmspc, Buffer.from(short.fmspc.sgx).toString('hex').toUpperCase());
    assert.equal(tdxInfo.tdxModuleIdentities.length, 2);
    assert.ok(tdxInfo.tcbLevels.every((l: { tcb: object }) => 'tdxtcbcomponents' in l.tcb));
    assert.ok(sgxInfo.tcbLevels.every((l: { tcb: object }) => !('tdxtcbcomponents' in l.tcb)));
    assert.equal(JSON.parse(short.collateral('sgx').qe_identity).id, 'QE');
    assert.equal(JSON.parse(short.collateral('tdx').qe_identity).id, 'TD_QE');
  });

  it('hands out collateral with exactly the field names of the real vectors', () => {
    const vector = JSON.parse(
      readFileSync(
        new URL(
          '../../../../shared/vectors/attestation/dcap/dcapqvl-tdx-v4/collateral.json',
          import.meta.url,
        ),
        'utf8',
      ),
    );
    for (const tee of ['sgx', 'tdx'] as const) {
      assert.deepEqual(Object.keys(pki.collateral(tee)), Object.keys(vector));
      assert.ok(Object.values(pki.collateral(tee)).every((v) => typeof v === 'string'));
    }
    assert.equal(pki.collateral('sgx'), pki.collateral('sgx'), 'collateral is built once per TEE');
  });

  it('rejects an empty seed or a non-integer time', () => {
    assert.throws(() => createSimPki({ seed: new Uint8Array(0), now: NOW }), SimTeeError);
    assert.throws(() => createSimPki({ seed, now: 1.5 }), SimTeeError);
    assert.throws(() => createSimPki({ seed, now: NOW, validitySeconds: 0 }), SimTeeError);
  });
});
