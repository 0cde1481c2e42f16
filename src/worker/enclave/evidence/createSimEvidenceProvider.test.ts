import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCollateralJson } from '../../../attestation/collateral.js';
import { parseQuote } from '../../../attestation/dcap/parseQuote.js';
import { verifyQuote } from '../../../attestation/dcap/verifyQuote.js';
import { createSimPki } from '../../../attestation/sim/index.js';
import { createSimEvidenceProvider, defaultSimMeasurement } from './createSimEvidenceProvider.js';

const now = 1_700_000_000;
const pki = createSimPki({ seed: Uint8Array.of(4, 4), now });
const reportData = new Uint8Array(64).map((_, i) => i * 3);

describe('sim evidence provider (insecure)', () => {
  test('an SGX quote carries the report data and the configured MRENCLAVE, and verifies to the sim root', async () => {
    const measurement = new Uint8Array(32).fill(0x5a);
    const provider = createSimEvidenceProvider({ pki, tee: 'sgx', measurement });
    assert.equal(provider.kind, 'sim');
    const quote = await provider.getQuote(reportData);
    const verified = verifyQuote(quote, parseCollateralJson(pki.collateral('sgx')), {
      trusted: { roots: [pki.rootCertDer] },
      at: now + 60,
    });
    assert.deepEqual(verified.reportData, reportData);
    assert.equal(verified.measurements.tee, 'sgx');
    if (verified.measurements.tee === 'sgx') assert.deepEqual(verified.measurements.mrEnclave, measurement);
  });

  test('a TDX quote carries the default sim MRTD unless told otherwise', async () => {
    const quote = await createSimEvidenceProvider({ pki, tee: 'tdx' }).getQuote(reportData);
    const parsed = parseQuote(quote);
    assert.equal(parsed.tee, 'tdx');
    assert.deepEqual(parsed.body.reportData, reportData);
    assert.ok(parsed.body.kind === 'tdx');
    assert.deepEqual(parsed.body.mrTd, defaultSimMeasurement('tdx'));
  });

  test('passes extras through, e.g. a debug enclave for negative tests', async () => {
    const quote = await createSimEvidenceProvider({ pki, tee: 'sgx', extras: { debug: true } }).getQuote(
      reportData,
    );
    const body = parseQuote(quote).body;
    assert.ok(body.kind === 'sgx');
    assert.equal(body.attributes[0]! & 0x02, 0x02);
  });

  test('refuses a measurement of the wrong size and report data that is not 64 bytes', async () => {
    assert.throws(() => createSimEvidenceProvider({ pki, tee: 'tdx', measurement: new Uint8Array(32) }), {
      code: 'InvalidConfig',
    });
    await assert.rejects(createSimEvidenceProvider({ pki, tee: 'sgx' }).getQuote(new Uint8Array(63)), {
      code: 'InvalidReportData',
    });
  });
});
