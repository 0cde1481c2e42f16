// Cross-check with an independent verifier: @phala/dcap-qvl (devDependency) accepts a custom root
// CA (`QuoteVerifier.newWithRootCa`), so it can judge sim quotes exactly as it judges real ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuoteVerifier } from '@phala/dcap-qvl';
import { TCB_STATUSES } from '../types.js';
import { createSimPki } from './createSimPki.js';
import { createSimQuote } from './createSimQuote.js';
import type { SimTcbOutcome } from './simTcb.js';

const NOW = 1_750_000_000;
const pki = createSimPki({ seed: new TextEncoder().encode('dcapQvlCrossCheck.test'), now: NOW });
const simVerifier = QuoteVerifier.newWithRootCa(Buffer.from(pki.rootCertDer));
const reportData = new Uint8Array(64).fill(0x42);

// dcap-qvl accepts every status but Revoked (the second test shows it refusing that one).
const accepted: readonly SimTcbOutcome[] = TCB_STATUSES.filter((status) => status !== 'Revoked');

describe('sim quotes under @phala/dcap-qvl', () => {
  for (const tee of ['sgx', 'tdx'] as const) {
    it(`accepts ${tee} quotes under the sim root with each requested TCB status`, () => {
      for (const tcbStatus of accepted) {
        const { quote, collateral } = createSimQuote(pki, { tee, reportData, tcbStatus });
        const report = simVerifier.verify(quote, collateral, NOW + 60);
        assert.equal(report.status, tcbStatus);
        const body = tee === 'sgx' ? report.report.asSgx() : report.report.asTd10();
        assert.deepEqual(Buffer.from(body?.reportData ?? []), Buffer.from(reportData));
      }
    });

    it(`rejects ${tee} quotes whose TCB is revoked or below every level`, () => {
      const revoked = createSimQuote(pki, { tee, reportData, tcbStatus: 'Revoked' });
      assert.throws(() => simVerifier.verify(revoked.quote, revoked.collateral, NOW + 60), /Revoked/);
      const below = createSimQuote(pki, { tee, reportData, tcbStatus: 'NotSupported' });
      assert.throws(
        () => simVerifier.verify(below.quote, below.collateral, NOW + 60),
        /No matching TCB level/,
      );
    });

    it(`rejects ${tee} sim quotes under Intel's production root`, () => {
      const { quote, collateral } = createSimQuote(pki, { tee, reportData });
      assert.throws(
        () => QuoteVerifier.newProd().verify(quote, collateral, NOW + 60),
        /verify certificate chain/,
      );
    });

    it(`rejects a ${tee} quote whose PCK certificate is on the sim PCK CRL`, () => {
      const { quote, collateral } = createSimQuote(pki, { tee, reportData, pckRevoked: true });
      assert.throws(() => simVerifier.verify(quote, collateral, NOW + 60), /revoked/);
    });
  }

  it('finds no TCB level for an outdated TDX module, since it compares all 16 TEE_TCB_SVN bytes (a known divergence from Intel)', () => {
    // Intel's QVL looks TEE_TCB_SVN[0] up in tdxModuleIdentities and gives OutOfDate here (see
    // simRoundTrip.test.ts); dcap-qvl 0.3.9 has no module identities and needs byte 0 >= the level's.
    const teeTcbSvn = new Uint8Array(16);
    teeTcbSvn.set([2, 1, 8]);
    const { quote, collateral } = createSimQuote(pki, { tee: 'tdx', reportData, teeTcbSvn });
    assert.throws(() => simVerifier.verify(quote, collateral, NOW + 60), /No matching TCB level/);
  });

  it('rejects sim collateral after its nextUpdate', () => {
    const { quote, collateral } = createSimQuote(pki, { tee: 'sgx', reportData });
    assert.throws(() => simVerifier.verify(quote, collateral, pki.nextUpdate + 1), /expired/);
  });
});
