import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { createSimPki, createSimQuote, type SimQuoteRequest } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { utf8 } from '../../codec/bytes.js';
import { createDevGenesisConfig } from '../../runtime/genesis/createDevGenesisConfig.js';
import { PolicyJsonSchema, policyFromJson } from '../../runtime/registry/schemas.js';
import {
  type Evidence,
  type RegistryPolicy,
  type WorkerInfo,
  type WorkerRecord,
  workerInfoReportData,
} from '../../runtime/registry/types.js';
import { checkWorkerEvidence, type WorkerEvidenceCheck } from './checkWorkerEvidence.js';

const now = 1_700_000_000;
const pki = createSimPki({ seed: utf8('gatekeeper evidence tests'), now });
const otherPki = createSimPki({ seed: utf8('someone else'), now });
const genesisHash = new Uint8Array(32).fill(3);
const atMs = BigInt(now + 60) * 1000n;
const info: WorkerInfo = {
  version: 1,
  pubkey: new Uint8Array(32).fill(1),
  ecdhPubkey: new Uint8Array(32).fill(2),
  genesisHash,
  operator: new Uint8Array(32).fill(4),
  features: { cores: 2, tee: 'sgx' },
  recentBlock: { number: 5, hash: new Uint8Array(32).fill(6) },
};
// The dev chain's policy (allowlists the sim build, UpToDate or SWHardeningNeeded, no debug).
const policy: RegistryPolicy = policyFromJson(
  PolicyJsonSchema.parse(createDevGenesisConfig({ simRoots: [pki.rootCertDer] }).registry.policy),
);

function recordOf(workerInfo: WorkerInfo, expiresAt = atMs + 3_600_000n): WorkerRecord {
  return {
    info: workerInfo,
    attestation: {
      provider: 'dcap',
      tee: 'sgx',
      tcbStatus: 'UpToDate',
      quoteStatus: undefined,
      advisoryIds: [],
      confidenceLevel: 1,
      measurement: {
        tag: 'Sgx',
        value: { mrEnclave: SIM_DEFAULT_MRENCLAVE, mrSigner: new Uint8Array(32), isvProdId: 0, isvSvn: 0 },
      },
      attestedAt: atMs - 60_000n,
      expiresAt,
    },
    registeredAt: 5,
  };
}

function evidenceFor(
  reportData: Uint8Array,
  extras: Partial<Omit<SimQuoteRequest, 'tee' | 'reportData'>> = {},
): Evidence {
  const { quote, collateral } = createSimQuote(pki, {
    tee: 'sgx',
    mrEnclave: SIM_DEFAULT_MRENCLAVE,
    reportData,
    ...extras,
  });
  return { tag: 'Dcap', value: { quote, collateral: parseCollateralJson(collateral) } };
}

function check(over: Partial<WorkerEvidenceCheck> = {}): WorkerEvidenceCheck {
  return {
    record: recordOf(info),
    evidence: evidenceFor(workerInfoReportData(info)),
    policy,
    genesisHash,
    atMs,
    ...over,
  };
}

/** The `reason` of the EvidenceRejected error the check throws. */
function reasonOf(request: WorkerEvidenceCheck): unknown {
  try {
    checkWorkerEvidence(request);
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'EvidenceRejected', String(error));
    return (error as { details: { reason: unknown } }).details.reason;
  }
  return 'accepted';
}

describe('a gatekeeper’s check of a worker before it hands over a key', () => {
  it('accepts an allowlisted, up-to-date quote under a trusted root that commits to the WorkerInfo', () => {
    const checked = checkWorkerEvidence(check());
    assert.equal(checked.verified.tee, 'sgx');
    assert.equal(checked.confidence, 1);
  });

  it('refuses a debug enclave, an OutOfDate platform and a build outside the allowlist', () => {
    // Each of these passed the gatekeeper's old check, which looked at roots and report data only.
    const reportData = workerInfoReportData(info);
    assert.equal(reasonOf(check({ evidence: evidenceFor(reportData, { debug: true }) })), 'DebugRefused');
    assert.equal(
      reasonOf(check({ evidence: evidenceFor(reportData, { tcbStatus: 'OutOfDate' }) })),
      'TcbStatusRefused',
    );
    assert.equal(
      reasonOf(check({ evidence: evidenceFor(reportData, { mrEnclave: new Uint8Array(32).fill(0x42) }) })),
      'MeasurementNotAllowed',
    );
  });

  it('judges by the policy it is given now: a build governance removed is refused', () => {
    const revoked: RegistryPolicy = {
      ...policy,
      measurementAllowlist: policy.measurementAllowlist.filter((rule) => rule.tag !== 'Sgx'),
    };
    assert.equal(reasonOf(check()), 'accepted');
    assert.equal(reasonOf(check({ policy: revoked })), 'MeasurementNotAllowed');
  });

  it('refuses a registration that has expired at the header’s time', () => {
    assert.equal(reasonOf(check({ record: recordOf(info, atMs) })), 'RegistrationExpired');
    assert.equal(reasonOf(check({ record: recordOf(info, atMs + 1n) })), 'accepted');
  });

  it('refuses an all-zero ECDH key, to which no key may be boxed', () => {
    const zeroKey = { ...info, ecdhPubkey: new Uint8Array(32) };
    const request = check({
      record: recordOf(zeroKey),
      evidence: evidenceFor(workerInfoReportData(zeroKey)),
    });
    assert.equal(reasonOf(request), 'InvalidEcdhKey');
  });

  it('refuses a quote whose report data commits to other WorkerInfo', () => {
    const other = workerInfoReportData({ ...info, operator: new Uint8Array(32).fill(9) });
    assert.equal(reasonOf(check({ evidence: evidenceFor(other) })), 'ReportDataMismatch');
  });

  it('refuses a quote that does not chain to a root of the chain’s policy', () => {
    const foreign = { ...policy, trustedRoots: [otherPki.rootCertDer] };
    assert.equal(reasonOf(check({ policy: foreign })), 'UntrustedRoot');
  });

  it('refuses WorkerInfo for another chain', () => {
    assert.equal(reasonOf(check({ genesisHash: new Uint8Array(32) })), 'WrongGenesis');
  });
});
