import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSimPki } from './createSimPki.js';
import { createSimQuote } from './createSimQuote.js';
import { SimTeeError } from './errors.js';
import {
  SIM_DEFAULT_ISVPRODID,
  SIM_DEFAULT_ISVSVN,
  SIM_DEFAULT_MRENCLAVE,
  SIM_DEFAULT_MRSIGNER,
  SIM_DEFAULT_MRTD,
  SIM_DEFAULT_RTMR,
} from './simDefaults.js';
import { platformTcbFor } from './simTcb.js';

const NOW = 1_750_000_000;
const pki = createSimPki({ seed: new TextEncoder().encode('createSimQuote.test'), now: NOW });
const vectors = new URL('../../../../shared/vectors/attestation/dcap/', import.meta.url);

/**
 * Test-local reader of the DCAP quote layout (Intel SGX ECDSA Quote Library API A.4; TDX DCAP
 * Quoting Library API A.3), written from the spec independently of quoteLayout.ts. It returns offsets
 * and fields, so the same reader can be run over real quotes and sim quotes.
 */
function readQuote(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0, true);
  const teeType = view.getUint32(4, true);
  const bodySize = teeType === 0 ? 384 : 584;
  const body = bytes.subarray(48, 48 + bodySize);
  let p = 48 + bodySize;
  const sigDataLen = view.getUint32(p, true);
  p += 4;
  const sigDataEnd = p + sigDataLen;
  const signature = bytes.subarray(p, p + 64);
  const attestationKey = bytes.subarray(p + 64, p + 128);
  p += 128;
  let outerCertType: number | undefined;
  if (version >= 4) {
    outerCertType = view.getUint16(p, true);
    const outerLen = view.getUint32(p + 2, true);
    p += 6;
    assert.equal(p + outerLen, sigDataEnd, 'type-6 certification data fills the signature data');
  }
  const qeReport = bytes.subarray(p, p + 384);
  const qeReportSignature = bytes.subarray(p + 384, p + 448);
  p += 448;
  const authLen = view.getUint16(p, true);
  const qeAuthData = bytes.subarray(p + 2, p + 2 + authLen);
  p += 2 + authLen;
  const certType = view.getUint16(p, true);
  const certLen = view.getUint32(p + 2, true);
  const certData = bytes.subarray(p + 6, p + 6 + certLen);
  p += 6 + certLen;
  return {
    version,
    akType: view.getUint16(2, true),
    teeType,
    qeSvnField: view.getUint16(8, true),
    pceSvnField: view.getUint16(10, true),
    qeVendorId: bytes.subarray(12, 28),
    header: bytes.subarray(0, 48),
    body,
    signedEnd: 48 + bodySize,
    sigDataLen,
    end: p,
    signature,
    attestationKey,
    outerCertType,
    qeReport,
    qeReportSignature,
    qeAuthData,
    certType,
    certData,
  };
}

function realQuote(caseId: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${caseId}/quote.bin`, vectors)));
}

function pemCertificates(certData: Uint8Array): X509Certificate[] {
  const text = Buffer.from(certData).toString('latin1');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]),
  );
}

function attestationPublicKey(raw: Uint8Array) {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(raw.subarray(0, 32)), y: b64(raw.subarray(32)) },
    format: 'jwk',
  });
}

const reportData = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);

describe('createSimQuote layout', () => {
  const cases = [
    { tee: 'sgx', vector: 'dcapqvl-sgx-v3', version: 3, teeType: 0, bodySize: 384 },
    { tee: 'tdx', vector: 'dcapqvl-tdx-v4', version: 4, teeType: 0x81, bodySize: 584 },
  ] as const;
  for (const c of cases) {
    it(`lays out a ${c.tee} quote exactly as the real ${c.vector} quote is laid out`, () => {
      const real = readQuote(realQuote(c.vector));
      const sim = readQuote(createSimQuote(pki, { tee: c.tee, reportData }).quote);
      for (const q of [real, sim]) {
        assert.equal(q.version, c.version);
        assert.equal(q.akType, 2);
        assert.equal(q.teeType, c.teeType);
        assert.equal(q.body.length, c.bodySize);
        assert.equal(q.outerCertType, c.version === 4 ? 6 : undefined);
        assert.equal(q.certType, 5);
        assert.equal(q.qeAuthData.length, 32);
        assert.equal(
          q.end,
          48 + c.bodySize + 4 + q.sigDataLen,
          'the certification data ends the signature data',
        );
        assert.equal(pemCertificates(q.certData).length, 3);
        assert.equal(
          q.certData[q.certData.length - 1],
          0,
          'the PEM chain is NUL-terminated, as Intel QE writes it',
        );
      }
      assert.deepEqual(sim.qeVendorId, real.qeVendorId);
      assert.deepEqual(sim.qeAuthData, real.qeAuthData);
      assert.equal(
        sim.qeSvnField !== 0,
        real.qeSvnField !== 0,
        'v3 carries QE/PCE SVN in the header, v4 zeros',
      );
      assert.equal(sim.pceSvnField !== 0, real.pceSvnField !== 0);
    });
  }

  it('returns the whole quote: no trailing bytes after the certification data', () => {
    for (const tee of ['sgx', 'tdx'] as const) {
      const quote = createSimQuote(pki, { tee, reportData }).quote;
      assert.equal(readQuote(quote).end, quote.length);
    }
  });
});

describe('createSimQuote signatures', () => {
  for (const tee of ['sgx', 'tdx'] as const) {
    it(`${tee}: the QE report is signed by the PCK key and binds the attestation key`, () => {
      const q = readQuote(createSimQuote(pki, { tee, reportData }).quote);
      const [pck, pckCa, root] = pemCertificates(q.certData);
      assert.ok(pck && pckCa && root);
      assert.ok(pck.verify(pckCa.publicKey) && pckCa.verify(root.publicKey));
      assert.deepEqual(new Uint8Array(root.raw), pki.rootCertDer);
      const sig = { key: pck.publicKey, dsaEncoding: 'ieee-p1363' } as const;
      assert.ok(verify('sha256', q.qeReport, sig, q.qeReportSignature));
      const expected = createHash('sha256').update(q.attestationKey).update(q.qeAuthData).digest();
      assert.deepEqual(Buffer.from(q.qeReport.subarray(320, 352)), expected);
      assert.deepEqual(q.qeReport.subarray(352, 384), new Uint8Array(32));
    });

    it(`${tee}: the quote signature by the attestation key covers the header and the body`, () => {
      const quote = createSimQuote(pki, { tee, reportData }).quote;
      const q = readQuote(quote);
      const key = { key: attestationPublicKey(q.attestationKey), dsaEncoding: 'ieee-p1363' } as const;
      assert.ok(verify('sha256', quote.subarray(0, q.signedEnd), key, q.signature));
      const tampered = quote.slice(0, q.signedEnd);
      tampered[q.signedEnd - 1]! ^= 0x01;
      assert.ok(!verify('sha256', tampered, key, q.signature));
    });
  }

  it('writes the requested report data and measurements into any quote, signed (property)', () => {
    const b = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    fc.assert(
      fc.property(
        b(64),
        b(32),
        b(48),
        fc.integer({ min: 0, max: 0xffff }),
        fc.boolean(),
        (rd, m32, m48, n, debug) => {
          const sgx = readQuote(
            createSimQuote(pki, { tee: 'sgx', reportData: rd, mrEnclave: m32, isvProdId: n, debug }).quote,
          );
          assert.deepEqual(sgx.body.subarray(320, 384), rd);
          assert.deepEqual(sgx.body.subarray(64, 96), m32);
          assert.equal(sgx.body[256]! | (sgx.body[257]! << 8), n);
          assert.equal((sgx.body[48]! & 0x02) !== 0, debug);
          const tdx = readQuote(createSimQuote(pki, { tee: 'tdx', reportData: rd, mrTd: m48, debug }).quote);
          assert.deepEqual(tdx.body.subarray(520, 584), rd);
          assert.deepEqual(tdx.body.subarray(136, 184), m48);
          assert.equal((tdx.body[120]! & 0x01) !== 0, debug);
          const key = { key: attestationPublicKey(tdx.attestationKey), dsaEncoding: 'ieee-p1363' } as const;
          assert.ok(verify('sha256', Buffer.concat([tdx.header, tdx.body]), key, tdx.signature));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('createSimQuote contents', () => {
  it('uses the exported default measurements when the request names none', () => {
    const sgx = readQuote(createSimQuote(pki, { tee: 'sgx', reportData }).quote).body;
    assert.deepEqual(sgx.subarray(64, 96), SIM_DEFAULT_MRENCLAVE);
    assert.deepEqual(sgx.subarray(128, 160), SIM_DEFAULT_MRSIGNER);
    assert.equal(sgx[256]! | (sgx[257]! << 8), SIM_DEFAULT_ISVPRODID);
    assert.equal(sgx[258]! | (sgx[259]! << 8), SIM_DEFAULT_ISVSVN);
    const tdx = readQuote(createSimQuote(pki, { tee: 'tdx', reportData }).quote).body;
    assert.deepEqual(tdx.subarray(136, 184), SIM_DEFAULT_MRTD);
    for (const [i, rtmr] of SIM_DEFAULT_RTMR.entries()) {
      assert.deepEqual(tdx.subarray(328 + 48 * i, 376 + 48 * i), rtmr);
    }
  });

  it('sets SEPT_VE_DISABLE (TD attribute bit 28) unless asked not to', () => {
    const attrs = (septVeDisable?: boolean) =>
      readQuote(
        createSimQuote(pki, {
          tee: 'tdx',
          reportData,
          ...(septVeDisable === undefined ? {} : { septVeDisable }),
        }).quote,
      ).body.subarray(120, 128);
    assert.equal(attrs()[3], 0x10);
    assert.equal(attrs(false)[3], 0x00);
  });

  it('puts the TCB of the chosen outcome in the PCK certificate (SGX) and in TEE_TCB_SVN (TDX)', () => {
    for (const status of ['UpToDate', 'OutOfDate', 'Revoked'] as const) {
      const sgx = readQuote(createSimQuote(pki, { tee: 'sgx', reportData, tcbStatus: status }).quote);
      const expected = platformTcbFor('sgx', status).tcbComponents;
      // In the PCK certificate: OID 1.2.840.113741.1.13.1.2.18 (CPUSVN), then OCTET STRING(16).
      const cpuSvnField = Buffer.concat([
        Buffer.from('060b2a864886f84d010d0102120410', 'hex'),
        Buffer.from(Uint8Array.from(expected)),
      ]);
      const [pck] = pemCertificates(sgx.certData);
      assert.ok(pck && Buffer.from(pck.raw).includes(cpuSvnField));
      // The enclave report's CPUSVN (body bytes 0..15) carries the same platform SVNs.
      assert.deepEqual([...sgx.body.subarray(0, 16)], expected);
      const tdx = readQuote(createSimQuote(pki, { tee: 'tdx', reportData, tcbStatus: status }).quote);
      assert.deepEqual(tdx.body.subarray(0, 16), platformTcbFor('tdx', status).teeTcbSvn);
    }
    const a = readQuote(createSimQuote(pki, { tee: 'sgx', reportData, tcbStatus: 'UpToDate' }).quote);
    const b = readQuote(createSimQuote(pki, { tee: 'sgx', reportData, tcbStatus: 'OutOfDate' }).quote);
    assert.notDeepEqual(a.certData, b.certData, 'SGX outcomes come from different simulated machines');
  });

  it('rejects malformed requests with a typed error', () => {
    assert.throws(() => createSimQuote(pki, { tee: 'sgx', reportData: new Uint8Array(32) }), SimTeeError);
    assert.throws(
      () => createSimQuote(pki, { tee: 'tdx', reportData, rtmr: [new Uint8Array(48)] }),
      SimTeeError,
    );
    assert.throws(() => createSimQuote(pki, { tee: 'sgx', reportData, isvSvn: 70_000 }), SimTeeError);
    assert.throws(
      () => createSimQuote(pki, { tee: 'sgx', reportData, tcbStatus: 'Fine' as unknown as 'UpToDate' }),
      SimTeeError,
    );
  });
});
