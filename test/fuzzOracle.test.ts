// The DCAP fuzz oracle (scripts/fuzz-attestation.ts) knows which bytes each signature covers: it
// reads them as the verifier does on every real vector, names the part whose signed bytes changed,
// lets a still-valid (malleated) signature through, and catches verifiers with one signature check
// removed, which the previous oracle (any byte after the header and body may change) let pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSignedBytesOracle } from '../scripts/fuzz/createSignedBytesOracle.js';
import { loadDcapVectors, runDcapFuzz, runOracleSelfTest } from '../scripts/fuzz-attestation.js';
import { parseQuote } from '../src/attestation/dcap/parseQuote.js';
import { parsePemCertificates } from '../src/attestation/x509/pem.js';

const { vectors } = loadDcapVectors();
const valid = vectors.filter((v) => v.expect.valid);
/** Order of the P-256 group (SEC 2, 2.4.2). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function bytesOf(parts: ReturnType<typeof createSignedBytesOracle>['parts'], name: string): Uint8Array {
  const part = parts.find((p) => p.name === name);
  assert.ok(part, `no part ${name}`);
  return part.bytes;
}

describe('DCAP fuzz oracle', () => {
  it('locates the same signed parts as the verifier’s own parser on every valid vector', () => {
    assert.ok(valid.length >= 5);
    for (const v of valid) {
      const { parts } = createSignedBytesOracle(v.quote, v.collateral);
      const q = parseQuote(v.quote);
      assert.deepEqual(bytesOf(parts, 'quote.headerAndBody'), q.signedData, v.id);
      assert.deepEqual(bytesOf(parts, 'quote.signature'), q.signature, v.id);
      assert.deepEqual(bytesOf(parts, 'quote.attestationKey'), q.attestationKey, v.id);
      assert.deepEqual(bytesOf(parts, 'quote.qeReport'), q.qeReport.raw, v.id);
      assert.deepEqual(bytesOf(parts, 'quote.qeReportSignature'), q.qeReportSignature, v.id);
      assert.deepEqual(bytesOf(parts, 'quote.qeAuthData'), q.qeAuthData, v.id);
      const chain = parsePemCertificates(q.pckChainPem, 'MalformedCertificate', v.id);
      const tbs = parts.filter((p) => p.chain === 'quote.pckChain' && p.name.endsWith('.tbs'));
      assert.equal(tbs.length, chain.length, v.id);
      tbs.forEach((part, i) => {
        const der = Buffer.from(chain[i]!);
        assert.ok(der.indexOf(Buffer.from(part.bytes)) > 0, `${v.id}: ${part.name} inside the certificate`);
      });
    }
  });

  it('finds nothing in an unchanged copy and names the part of any flipped byte in the quote', () => {
    const v = valid[0]!;
    const oracle = createSignedBytesOracle(v.quote, v.collateral);
    assert.deepEqual(oracle.check(v.quote.slice(), { ...v.collateral }), []);
    for (const region of oracle.quoteRegions) {
      // Not the first bytes: those of the header hold the version, without which nothing is located.
      for (const at of [region.offset + (region.length >> 1), region.offset + region.length - 1]) {
        const quote = v.quote.slice();
        quote[at]! ^= 0x01;
        const problems = oracle.check(quote, v.collateral);
        if (region.name === 'quote.pckChainPem') {
          // A flipped base64 character changes a certificate; the chain's closing NUL is unsigned.
          const closing = at === region.offset + region.length - 1;
          if (closing) assert.equal(v.quote[at], 0, 'the PCK chain ends in a NUL');
          assert.equal(problems.length > 0, !closing, `${region.name} byte ${at}`);
          continue;
        }
        const signature = region.name.endsWith('ignature');
        assert.deepEqual(
          problems,
          [
            signature
              ? `${region.name} differs and does not verify under ${oracle.parts.find((p) => p.name === region.name)!.coveredBy}`
              : `${region.name} differs (covered by ${oracle.parts.find((p) => p.name === region.name)!.coveredBy})`,
          ],
          `${region.name} byte ${at}`,
        );
      }
    }
  });

  it('names the collateral part whose signed bytes changed', () => {
    const v = valid[0]!;
    const oracle = createSignedBytesOracle(v.quote, v.collateral);
    const tcbInfo = `${v.collateral.tcbInfo.slice(0, -2)} }`;
    assert.deepEqual(oracle.check(v.quote, { ...v.collateral, tcbInfo }), [
      'collateral.tcbInfo differs (covered by collateral.tcbInfoSignature)',
    ]);
    const pckCrl = v.collateral.pckCrl.slice();
    pckCrl[20]! ^= 0x01;
    assert.deepEqual(oracle.check(v.quote, { ...v.collateral, pckCrl }), [
      'collateral.pckCrl.tbs differs (covered by collateral.pckCrl.signature)',
    ]);
  });

  it('lets through a different signature value that still verifies (ECDSA malleability: s -> n - s)', () => {
    for (const v of valid) {
      const oracle = createSignedBytesOracle(v.quote, v.collateral);
      for (const name of ['quote.signature', 'quote.qeReportSignature']) {
        const region = oracle.quoteRegions.find((r) => r.name === name)!;
        const quote = v.quote.slice();
        const sAt = region.offset + 32;
        const s = BigInt(`0x${Buffer.from(quote.subarray(sAt, sAt + 32)).toString('hex')}`);
        quote.set(Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex'), sAt);
        assert.deepEqual(oracle.check(quote, v.collateral), [], `${v.id} ${name}`);
        // The same value with one more bit flipped is no signature at all.
        quote[sAt + 31]! ^= 0x01;
        assert.equal(oracle.check(quote, v.collateral).length, 1, `${v.id} ${name}`);
      }
    }
  });

  it('passes the real verifier over a few hundred fuzzed inputs', () => {
    const report = runDcapFuzz({ runs: 300, seed: 20261201 });
    assert.equal(report.runs, 300);
  });

  it('catches a verifier whose QE report signature check is removed', () => {
    const [result] = runOracleSelfTest({ runs: 400, seed: 20261201, checks: ['qeReportSignature'] });
    assert.ok(result!.bypassed > 0, 'the broken verifier never skipped a QE report signature');
    assert.match(result!.caught ?? 'not caught', /accepted, but quote\.qeReport differs/);
  });

  it('catches verifiers whose quote, certificate, CRL or collateral signature check is removed', () => {
    const results = runOracleSelfTest({
      runs: 400,
      seed: 20261201,
      checks: ['quoteSignature', 'certificateSignature', 'crlSignature', 'collateralSignature'],
    });
    for (const result of results) {
      assert.ok(result.bypassed > 0, `${result.check}: the broken verifier never skipped a check`);
      assert.match(result.caught ?? 'not caught', /accepted, but .* differs/, result.check);
    }
  });
});
