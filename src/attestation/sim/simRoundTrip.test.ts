// Sim quotes through Phalanx's own DCAP verifier (src/attestation/dcap/verifyQuote.ts): accepted with
// the requested TCB status, measurements and report data when the sim root is trusted, and rejected
// when only Intel's root is (issue 3, "Must show": sim round trip, sim evidence rejected when the sim
// root is not trusted).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCollateralJson } from '../collateral.js';
import { verifyQuote } from '../dcap/verifyQuote.js';
import { type AttestationErrorCode, isAttestationError } from '../errors.js';
import { createSimPki } from './createSimPki.js';
import { createSimQuote, type SimQuoteRequest } from './createSimQuote.js';
import { SIM_DEFAULT_MRSIGNER, SIM_DEFAULT_RTMR } from './simDefaults.js';
import type { SimTcbOutcome } from './simTcb.js';

const NOW = 1_750_000_000;
const AT = NOW + 3600;
const pki = createSimPki({ seed: new TextEncoder().encode('simRoundTrip.test'), now: NOW });
const intelRoot = new Uint8Array(
  readFileSync(
    new URL('../../../../shared/vectors/attestation/roots/intel-sgx-root-ca.der', import.meta.url),
  ),
);
const simOnly = { roots: [pki.rootCertDer] };
const reportData = Uint8Array.from({ length: 64 }, (_, i) => i * 3);

function verifySim(req: SimQuoteRequest, trusted = simOnly, at = AT) {
  const { quote, collateral } = createSimQuote(pki, req);
  return verifyQuote(quote, parseCollateralJson(collateral), { trusted, at });
}

function rejects(fn: () => unknown, codes: readonly AttestationErrorCode[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isAttestationError(error), `expected an AttestationError, got ${String(error)}`);
    assert.ok(
      codes.includes(error.code),
      `expected one of ${codes.join(', ')}, got ${error.code}: ${error.message}`,
    );
    return true;
  });
}

const statuses: readonly { status: SimTcbOutcome; advisories: readonly string[] }[] = [
  { status: 'UpToDate', advisories: [] },
  { status: 'SWHardeningNeeded', advisories: ['INTEL-SA-00615'] },
  { status: 'ConfigurationNeeded', advisories: ['INTEL-SA-00289'] },
  { status: 'ConfigurationAndSWHardeningNeeded', advisories: ['INTEL-SA-00289', 'INTEL-SA-00615'] },
  { status: 'OutOfDate', advisories: ['INTEL-SA-00828'] },
  { status: 'OutOfDateConfigurationNeeded', advisories: ['INTEL-SA-00289', 'INTEL-SA-00828'] },
];

describe('sim quotes through verifyQuote', () => {
  it('verifies an SGX v3 sim quote with its measurements and report data', () => {
    const mrEnclave = new Uint8Array(32).fill(0xaa);
    const v = verifySim({ tee: 'sgx', reportData, mrEnclave, isvProdId: 7, isvSvn: 3 });
    assert.equal(v.kind, 'dcap');
    assert.equal(v.tee, 'sgx');
    assert.equal(v.quoteVersion, 3);
    assert.equal(v.tcbStatus, 'UpToDate');
    assert.equal(v.debug, false);
    assert.deepEqual(v.reportData, reportData);
    assert.deepEqual(v.fmspc, pki.fmspc.sgx);
    assert.equal(v.collateralExpiresAt, pki.nextUpdate);
    assert.equal(v.measurements.tee, 'sgx');
    if (v.measurements.tee === 'sgx') {
      assert.deepEqual(v.measurements.mrEnclave, mrEnclave);
      assert.deepEqual(v.measurements.mrSigner, SIM_DEFAULT_MRSIGNER);
      assert.equal(v.measurements.isvProdId, 7);
      assert.equal(v.measurements.isvSvn, 3);
    }
  });

  it('verifies a TDX v4 sim quote with its measurements and report data', () => {
    const mrTd = new Uint8Array(48).fill(0x5d);
    const v = verifySim({ tee: 'tdx', reportData, mrTd });
    assert.equal(v.tee, 'tdx');
    assert.equal(v.quoteVersion, 4);
    assert.equal(v.tcbStatus, 'UpToDate');
    assert.deepEqual(v.reportData, reportData);
    assert.deepEqual(v.fmspc, pki.fmspc.tdx);
    assert.equal(v.measurements.tee, 'tdx');
    if (v.measurements.tee === 'tdx') {
      assert.deepEqual(v.measurements.mrTd, mrTd);
      assert.deepEqual(v.measurements.rtmr3, SIM_DEFAULT_RTMR[3]);
      assert.equal(v.measurements.tdAttributes[3], 0x10, 'SEPT_VE_DISABLE');
    }
  });

  for (const tee of ['sgx', 'tdx'] as const) {
    it(`gives each requested TCB status and its advisories for ${tee}`, () => {
      for (const { status, advisories } of statuses) {
        const v = verifySim({ tee, reportData, tcbStatus: status });
        assert.equal(v.tcbStatus, status);
        assert.deepEqual([...v.advisoryIds].sort(), [...advisories].sort());
      }
    });

    it(`reports the debug bit of a ${tee} quote (policy, not verification, refuses it)`, () => {
      assert.equal(verifySim({ tee, reportData, debug: true }).debug, true);
    });

    it(`rejects a ${tee} sim quote when only Intel's root is trusted`, () => {
      rejects(
        () => verifySim({ tee, reportData }, { roots: [intelRoot] }),
        ['UntrustedRoot', 'CertificateChainInvalid'],
      );
    });

    it(`accepts a ${tee} sim quote when Intel's root and the sim root are both trusted`, () => {
      assert.equal(
        verifySim({ tee, reportData }, { roots: [intelRoot, pki.rootCertDer] }).tcbStatus,
        'UpToDate',
      );
    });

    it(`rejects a ${tee} quote with a revoked TCB, a TCB below every level, or a revoked PCK certificate`, () => {
      rejects(() => verifySim({ tee, reportData, tcbStatus: 'Revoked' }), ['TcbRevoked']);
      rejects(() => verifySim({ tee, reportData, tcbStatus: 'NotSupported' }), ['TcbNotSupported']);
      rejects(() => verifySim({ tee, reportData, pckRevoked: true }), ['CertificateRevoked']);
    });

    it(`rejects ${tee} sim evidence after the collateral's nextUpdate`, () => {
      rejects(
        () => verifySim({ tee, reportData }, simOnly, pki.nextUpdate + 1),
        ['CollateralExpired', 'TcbInfoExpired', 'QeIdentityExpired', 'CrlExpired'],
      );
    });
  }

  it("merges an outdated TDX module (TEE_TCB_SVN byte 0 against TDX_01's levels) into the platform status", () => {
    // Intel's QVL: a module level OutOfDate turns UpToDate into OutOfDate and ConfigurationNeeded
    // into OutOfDateConfigurationNeeded; TEE_TCB_SVN bytes 0 and 1 are left out of the level match.
    const teeTcbSvn = (moduleSvn: number, generation: number) => {
      const svn = new Uint8Array(16);
      svn.set([moduleSvn, 1, generation]);
      return svn;
    };
    assert.equal(verifySim({ tee: 'tdx', reportData, teeTcbSvn: teeTcbSvn(2, 8) }).tcbStatus, 'OutOfDate');
    assert.equal(
      verifySim({ tee: 'tdx', reportData, teeTcbSvn: teeTcbSvn(2, 6) }).tcbStatus,
      'OutOfDateConfigurationNeeded',
    );
    rejects(() => verifySim({ tee: 'tdx', reportData, teeTcbSvn: teeTcbSvn(1, 8) }), ['TcbNotSupported']);
  });

  it('rejects a sim quote whose signed body was altered', () => {
    const { quote, collateral } = createSimQuote(pki, { tee: 'tdx', reportData });
    const altered = quote.slice();
    altered[48 + 520]! ^= 0x01; // first byte of REPORTDATA
    rejects(
      () => verifyQuote(altered, parseCollateralJson(collateral), { trusted: simOnly, at: AT }),
      ['QuoteSignatureInvalid'],
    );
  });
});
