import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { createSimPki, createSimQuote } from '../../attestation/sim/index.js';
import { utf8 } from '../../codec/bytes.js';
import { type Evidence, type WorkerInfo, workerInfoReportData } from '../../runtime/registry/types.js';
import { createEvidenceChecker } from './checkWorkerEvidence.js';

const now = 1_700_000_000;
const pki = createSimPki({ seed: utf8('gatekeeper evidence tests'), now });
const otherPki = createSimPki({ seed: utf8('someone else'), now });
const genesisHash = new Uint8Array(32).fill(3);
const info: WorkerInfo = {
  version: 1,
  pubkey: new Uint8Array(32).fill(1),
  ecdhPubkey: new Uint8Array(32).fill(2),
  genesisHash,
  operator: new Uint8Array(32).fill(4),
  features: { cores: 2, tee: 'sgx' },
  recentBlock: { number: 5, hash: new Uint8Array(32).fill(6) },
};

function evidenceFor(reportData: Uint8Array): Evidence {
  const { quote, collateral } = createSimQuote(pki, { tee: 'sgx', reportData });
  return { tag: 'Dcap', value: { quote, collateral: parseCollateralJson(collateral) } };
}

describe('gatekeeper evidence re-check', () => {
  const check = createEvidenceChecker();
  const atMs = BigInt(now + 60) * 1000n;

  it('accepts a quote under a trusted root that commits to the WorkerInfo', () => {
    const verified = check({
      info,
      evidence: evidenceFor(workerInfoReportData(info)),
      trustedRoots: [pki.rootCertDer],
      genesisHash,
      atMs,
    });
    assert.equal(verified.tee, 'sgx');
  });

  it('rejects a quote whose report data commits to other WorkerInfo', () => {
    const other = workerInfoReportData({ ...info, operator: new Uint8Array(32).fill(9) });
    assert.throws(
      () => check({ info, evidence: evidenceFor(other), trustedRoots: [pki.rootCertDer], genesisHash, atMs }),
      {
        code: 'EvidenceRejected',
        message: /report data/,
      },
    );
  });

  it('rejects a quote that does not chain to a root of the chain’s policy', () => {
    assert.throws(
      () =>
        check({
          info,
          evidence: evidenceFor(workerInfoReportData(info)),
          trustedRoots: [otherPki.rootCertDer],
          genesisHash,
          atMs,
        }),
      { code: 'EvidenceRejected', message: /does not verify/ },
    );
  });

  it('rejects WorkerInfo for another chain', () => {
    assert.throws(
      () =>
        check({
          info,
          evidence: evidenceFor(workerInfoReportData(info)),
          trustedRoots: [pki.rootCertDer],
          genesisHash: new Uint8Array(32),
          atMs,
        }),
      { code: 'EvidenceRejected' },
    );
  });
});
