// Golden vectors: the six `ias` cases of ../shared/vectors/attestation/manifest.json (real IAS
// reports signed by Intel; sources cited per case in the manifest).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, utf8 } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from '../roots/intelRoots.js';
import { verifyIasReport } from './verifyIasReport.js';

const VECTORS = new URL('../../../../shared/vectors/attestation/', import.meta.url);

interface IasCase {
  id: string;
  kind: string;
  report: string;
  signature: string;
  signingCert: string;
  now: number;
  expect: { valid: boolean; quoteStatus: string; advisoryIds: string[] };
  facts: { debug: boolean; mrEnclave: string; mrSigner: string; reportData: string; version: number };
}

const manifest = JSON.parse(readFileSync(new URL('manifest.json', VECTORS), 'utf8')) as { cases: IasCase[] };
const cases = manifest.cases.filter((c) => c.kind === 'ias');
const load = (c: IasCase) => ({
  report: new Uint8Array(readFileSync(new URL(c.report, VECTORS))),
  signature: readFileSync(new URL(c.signature, VECTORS), 'utf8').trim(),
  signingCert: new Uint8Array(readFileSync(new URL(c.signingCert, VECTORS))),
});
const caPem = readFileSync(new URL('roots/intel-sgx-attestation-report-signing-ca.pem', VECTORS), 'utf8');
const trusted = { roots: [INTEL_IAS_SIGNING_CA_DER] };

function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function rejects(fn: () => unknown, code?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AttestationError, `expected AttestationError, got ${String(error)}`);
    if (code !== undefined) assert.equal(error.code, code, error.message);
    return true;
  });
}

const first = cases[0]!;
const firstEvidence = load(first);

describe('verifyIasReport', () => {
  it('finds six IAS vectors in the manifest', () => {
    assert.equal(cases.length, 6);
  });

  for (const c of cases) {
    it(`accepts ${c.id} at its time with status ${c.expect.quoteStatus} and its advisories`, () => {
      const v = verifyIasReport(load(c), { trusted, at: c.now });
      assert.equal(c.expect.valid, true);
      assert.equal(v.kind, 'ias');
      assert.equal(v.tee, 'sgx');
      assert.equal(v.quoteStatus, c.expect.quoteStatus);
      assert.equal(v.tcbStatus, undefined);
      assert.deepEqual([...v.advisoryIds], c.expect.advisoryIds);
      assert.equal(v.quoteVersion, c.facts.version);
      assert.equal(v.debug, c.facts.debug);
      assert.equal(v.measurements.tee, 'sgx');
      if (v.measurements.tee !== 'sgx') return;
      assert.equal(bytesToHex(v.measurements.mrEnclave), c.facts.mrEnclave);
      assert.equal(bytesToHex(v.measurements.mrSigner), c.facts.mrSigner);
      assert.equal(bytesToHex(v.reportData), c.facts.reportData);
      // The signing certificate (notAfter 2026-11-20T09:36:58Z) expires before the CA.
      assert.equal(v.collateralExpiresAt, Date.UTC(2026, 10, 20, 9, 36, 58) / 1000);
      // Reports are produced shortly before the time the vectors verify at.
      assert.ok(v.producedAt !== undefined && v.producedAt <= c.now && c.now - v.producedAt < 3600);
    });
  }

  it('reads producedAt from the zone-less IAS timestamp as UTC', () => {
    const c = cases.find((x) => x.id === 'ias-attestation-cert-hw-v2')!;
    const v = verifyIasReport(load(c), { trusted, at: c.now });
    // "timestamp":"2020-06-15T10:42:20.287028"
    assert.equal(v.producedAt, Date.UTC(2020, 5, 15, 10, 42, 20) / 1000);
  });

  it('accepts the URL-encoded PEM chain of the X-IASReport-Signing-Certificate header', () => {
    const header = encodeURIComponent(toPem(firstEvidence.signingCert) + caPem);
    assert.ok(header.includes('%0A'));
    const v = verifyIasReport({ ...firstEvidence, signingCert: header }, { trusted, at: first.now });
    assert.equal(v.quoteStatus, first.expect.quoteStatus);
  });

  it('accepts a plain PEM chain given as bytes', () => {
    const pem = utf8(toPem(firstEvidence.signingCert) + caPem);
    const v = verifyIasReport({ ...firstEvidence, signingCert: pem }, { trusted, at: first.now });
    assert.equal(v.quoteStatus, first.expect.quoteStatus);
  });

  it('rejects a report with any single byte changed (property over positions)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: firstEvidence.report.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (pos, xor) => {
          const report = Uint8Array.from(firstEvidence.report);
          report[pos]! ^= xor;
          rejects(
            () => verifyIasReport({ ...firstEvidence, report }, { trusted, at: first.now }),
            'IasSignatureInvalid',
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a signature made over another report', () => {
    const other = load(cases[1]!);
    rejects(
      () => verifyIasReport({ ...firstEvidence, signature: other.signature }, { trusted, at: first.now }),
      'IasSignatureInvalid',
    );
  });

  it('rejects a signature that is not base64', () => {
    rejects(
      () => verifyIasReport({ ...firstEvidence, signature: 'not*base64!' }, { trusted, at: first.now }),
      'IasSignatureInvalid',
    );
  });

  it('rejects a signing certificate whose signature does not verify under the CA', () => {
    const cert = Uint8Array.from(firstEvidence.signingCert);
    cert[cert.length - 10]! ^= 0x01; // inside the certificate's signatureValue
    rejects(
      () => verifyIasReport({ ...firstEvidence, signingCert: cert }, { trusted, at: first.now }),
      'CertificateChainInvalid',
    );
  });

  it('rejects a certificate that does not chain to the trusted root', () => {
    rejects(() =>
      verifyIasReport({ ...firstEvidence, signingCert: INTEL_SGX_ROOT_CA_DER }, { trusted, at: first.now }),
    );
    rejects(
      () => verifyIasReport(firstEvidence, { trusted: { roots: [INTEL_SGX_ROOT_CA_DER] }, at: first.now }),
      'UntrustedRoot',
    );
    rejects(() => verifyIasReport(firstEvidence, { trusted: { roots: [] }, at: first.now }), 'UntrustedRoot');
  });

  it('rejects the CA itself presented as the signing certificate', () => {
    rejects(
      () =>
        verifyIasReport(
          { ...firstEvidence, signingCert: INTEL_IAS_SIGNING_CA_DER },
          { trusted, at: first.now },
        ),
      'CertificateChainInvalid',
    );
  });

  it('rejects after the signing certificate expires and before it is valid', () => {
    const notAfter = Date.UTC(2026, 10, 20, 9, 36, 58) / 1000;
    const notBefore = Date.UTC(2016, 10, 22, 9, 36, 58) / 1000;
    verifyIasReport(firstEvidence, { trusted, at: notAfter });
    rejects(() => verifyIasReport(firstEvidence, { trusted, at: notAfter + 1 }), 'CertificateExpired');
    rejects(() => verifyIasReport(firstEvidence, { trusted, at: notBefore - 1 }), 'CertificateExpired');
  });

  it('rejects garbage and truncated certificates with MalformedCertificate', () => {
    const cert = firstEvidence.signingCert;
    rejects(
      () =>
        verifyIasReport({ ...firstEvidence, signingCert: cert.slice(0, 100) }, { trusted, at: first.now }),
      'MalformedCertificate',
    );
    rejects(
      () => verifyIasReport({ ...firstEvidence, signingCert: '%E0%A4%A' }, { trusted, at: first.now }),
      'MalformedCertificate',
    );
    rejects(
      () => verifyIasReport({ ...firstEvidence, signingCert: 'hello' }, { trusted, at: first.now }),
      'MalformedCertificate',
    );
  });

  it('never throws anything but AttestationError and never accepts on random inputs', () => {
    const bytes = fc.uint8Array({ maxLength: 2048 });
    fc.assert(
      fc.property(
        fc.oneof(
          bytes,
          fc.constant(firstEvidence.report),
          // strictly truncated, so that no combination is the genuine evidence
          fc.nat({ max: firstEvidence.report.length - 1 }).map((n) => firstEvidence.report.slice(0, n)),
        ),
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.base64String({ maxLength: 400 }),
          fc.constant(firstEvidence.signature),
        ),
        fc.oneof(
          bytes,
          fc.string({ maxLength: 400 }),
          fc
            .nat({ max: firstEvidence.signingCert.length - 1 })
            .map((n) => firstEvidence.signingCert.slice(0, n)),
        ),
        (report, signature, signingCert) => {
          rejects(() => verifyIasReport({ report, signature, signingCert }, { trusted, at: first.now }));
        },
      ),
      { numRuns: 300 },
    );
  });
});
