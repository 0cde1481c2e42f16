// Golden vectors: every DCAP case of ../shared/vectors/attestation/manifest.json (real Intel-signed
// quotes and collateral; each case's `source` names where it was copied from) at its own `now`.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadDcapVectors, VECTORS_DIR } from '../../../scripts/fuzz-attestation.js';
import { bytesToHex } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { parseQuote } from './parseQuote.js';
import { createDcapVerifier, p256FromRaw, verifyQuote } from './verifyQuote.js';

const { root, vectors } = loadDcapVectors();
const trusted = { roots: [root] };

/** The specific rejection each invalid case must produce (the manifest's `because`, as a code). */
const expectedCodes: Record<string, string> = {
  'dcapqvl-tdx-v5-outdated': 'TcbNotSupported',
  'automata-tdx-v5-2': 'TcbNotSupported',
  'integritee-sgx-dump': 'CrlInvalid',
  'secret-sgx-stale-collateral': 'TcbInfoExpired',
  neg_bad_crl_sig: 'CrlInvalid',
  neg_wrong_crl: 'CrlInvalid',
  'intel-test-pki-sgx': 'UnsupportedCertificationDataType',
  'intel-test-pki-tdx': 'UntrustedRoot',
};

function rejectionCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AttestationError, `expected an AttestationError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected a rejection, got a valid verdict');
}

describe('verifyQuote on the shared DCAP vectors', () => {
  it('covers every DCAP case of the manifest', () => {
    assert.ok(vectors.length >= 14);
    for (const v of vectors)
      assert.ok(v.expect.valid || v.id in expectedCodes, `no expected code for ${v.id}`);
  });

  for (const v of vectors) {
    if (v.expect.valid) {
      it(`accepts ${v.id} with TCB status ${v.expect.tcbStatus} and its advisories and facts`, () => {
        const e = verifyQuote(v.quote, v.collateral, { trusted, at: v.now });
        assert.equal(e.kind, 'dcap');
        assert.equal(e.tcbStatus, v.expect.tcbStatus);
        assert.deepEqual(e.advisoryIds, v.expect.advisoryIds);
        const facts = v.facts ?? {};
        assert.equal(e.quoteVersion, facts.quoteVersion);
        assert.equal(e.tee, facts.teeType);
        assert.equal(e.debug, facts.debug);
        assert.equal(bytesToHex(e.reportData), facts.reportData);
        assert.equal(e.fmspc?.length, 6);
        assert.ok(e.collateralExpiresAt >= v.now);
        if (e.measurements.tee === 'sgx') {
          assert.equal(bytesToHex(e.measurements.mrEnclave), facts.mrEnclave);
          assert.equal(bytesToHex(e.measurements.mrSigner), facts.mrSigner);
        } else {
          assert.equal(bytesToHex(e.measurements.mrTd), facts.mrTd);
          assert.equal(e.measurements.mrServiceTd !== undefined, facts.tdReport === '1.5');
          // SEPT_VE_DISABLE is TD attribute bit 28 (TDX module ABI); the vectors record it.
          assert.equal((e.measurements.tdAttributes[3]! & 0x10) !== 0, facts.septVeDisable);
        }
      });
    } else {
      it(`rejects ${v.id} with ${expectedCodes[v.id]} (${v.expect.because})`, () => {
        assert.equal(
          rejectionCode(() => verifyQuote(v.quote, v.collateral, { trusted, at: v.now })),
          expectedCodes[v.id],
        );
      });
    }
  }

  it('gives the same verdicts from one warm verifier, in any order, twice', () => {
    const verifier = createDcapVerifier({ trusted });
    for (const round of [0, 1]) {
      for (const v of round === 0 ? vectors : [...vectors].reverse()) {
        if (v.expect.valid) {
          assert.deepEqual(
            verifier.verify(v.quote, v.collateral, v.now),
            verifyQuote(v.quote, v.collateral, { trusted, at: v.now }),
          );
        } else {
          assert.equal(
            rejectionCode(() => verifier.verify(v.quote, v.collateral, v.now)),
            expectedCodes[v.id],
          );
        }
      }
    }
  });

  it('re-checks time on every warm verification: expired and not-yet-valid collateral is rejected', () => {
    const v = vectors.find((x) => x.id === 'dcapqvl-sgx-v3')!;
    const verifier = createDcapVerifier({ trusted });
    const e = verifier.verify(v.quote, v.collateral, v.now);
    assert.equal(
      rejectionCode(() => verifier.verify(v.quote, v.collateral, e.collateralExpiresAt + 1)).endsWith(
        'Expired',
      ),
      true,
    );
    assert.equal(
      rejectionCode(() => verifier.verify(v.quote, v.collateral, 1_500_000_000)).endsWith('Expired'),
      true,
    );
    assert.equal(verifier.verify(v.quote, v.collateral, e.collateralExpiresAt).tcbStatus, e.tcbStatus);
  });

  it('rejects a real quote when Intel root is not among the trusted roots', () => {
    const v = vectors.find((x) => x.id === 'automata-tdx-v4')!;
    const testRoot = readFileSync(new URL('intel-test-pki/tdx/trustedRootCaCert.pem', VECTORS_DIR), 'utf8');
    const der = new Uint8Array(Buffer.from(testRoot.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    assert.equal(
      rejectionCode(() => verifyQuote(v.quote, v.collateral, { trusted: { roots: [der] }, at: v.now })),
      'UntrustedRoot',
    );
    assert.equal(
      rejectionCode(() => verifyQuote(v.quote, v.collateral, { trusted: { roots: [] }, at: v.now })),
      'UntrustedRoot',
    );
  });

  it('ignores zero padding after the quote, and rejects a quote cut inside its signature data', () => {
    const v = vectors.find((x) => x.id === 'dcapqvl-tdx-v4')!;
    const padded = new Uint8Array(v.quote.length + 100);
    padded.set(v.quote);
    assert.equal(verifyQuote(padded, v.collateral, { trusted, at: v.now }).tcbStatus, 'UpToDate');
    assert.equal(
      rejectionCode(() =>
        verifyQuote(v.quote.subarray(0, v.quote.length - 200), v.collateral, { trusted, at: v.now }),
      ),
      'MalformedQuote',
    );
  });

  it('rejects TDX collateral for an SGX quote (TCB info id), even with the right CRLs', () => {
    const sgx = vectors.find((x) => x.id === 'dcapqvl-sgx-v3')!;
    const tdx = vectors.find((x) => x.id === 'dcapqvl-tdx-v4')!;
    const mixed = {
      ...tdx.collateral,
      pckCrl: sgx.collateral.pckCrl,
      pckCrlIssuerChain: sgx.collateral.pckCrlIssuerChain,
      rootCaCrl: sgx.collateral.rootCaCrl,
    };
    assert.equal(
      rejectionCode(() => verifyQuote(sgx.quote, mixed, { trusted, at: sgx.now })),
      'TcbInfoMismatch',
    );
  });

  it('rejects a verification time that is not a finite number', () => {
    const v = vectors.find((x) => x.id === 'dcapqvl-sgx-v3')!;
    assert.equal(
      rejectionCode(() => verifyQuote(v.quote, v.collateral, { trusted, at: Number.NaN })),
      'CollateralExpired',
    );
  });
});

describe('p256FromRaw (the attestation key import)', () => {
  // RFC 5480 section 2: SubjectPublicKeyInfo of an uncompressed P-256 point, the reference import.
  const spkiPrefix = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
  const viaDer = (raw: Uint8Array) =>
    createPublicKey({ key: Buffer.concat([spkiPrefix, Buffer.of(4), raw]), format: 'der', type: 'spki' });

  it('imports the attestation key of every real vector as the same key the DER form gives', () => {
    const keys = vectors.flatMap((v) => {
      try {
        return [parseQuote(v.quote).attestationKey];
      } catch {
        return []; // the vectors that do not parse are rejected before any key import
      }
    });
    assert.ok(keys.length >= 8);
    for (const raw of keys) {
      const key = p256FromRaw(raw);
      assert.ok(key !== undefined);
      assert.deepEqual(
        key.export({ format: 'der', type: 'spki' }),
        viaDer(raw).export({ format: 'der', type: 'spki' }),
      );
    }
  });

  it('gives no key for a point off the curve or a wrong length, as the DER import refuses it', () => {
    const v = vectors.find((x) => x.id === 'dcapqvl-sgx-v3')!;
    const raw = parseQuote(v.quote).attestationKey;
    const offCurve = raw.slice();
    offCurve[63] = offCurve[63]! ^ 1;
    assert.throws(() => viaDer(offCurve));
    assert.equal(p256FromRaw(offCurve), undefined);
    assert.equal(p256FromRaw(raw.subarray(0, 63)), undefined);
    assert.equal(p256FromRaw(new Uint8Array(64)), undefined);
  });
});
