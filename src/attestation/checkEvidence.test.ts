import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '../codec/bytes.js';
import { checkEvidence, dcapVerifierFor, type EvidenceCheck } from './checkEvidence.js';
import { type Collateral, parseCollateralJson } from './collateral.js';
import { AttestationError } from './errors.js';
import { type AttestationPolicy, defaultPolicy, policyRefusalOf } from './policy.js';
import { createSimPki, createSimQuote, type SimQuoteRequest } from './sim/index.js';
import { SIM_DEFAULT_MRENCLAVE } from './sim/simDefaults.js';

const now = 1_700_000_000;
const pki = createSimPki({ seed: utf8('checkEvidence tests'), now });
const reportData = new Uint8Array(64).fill(0x5a);
const policy: AttestationPolicy = {
  ...defaultPolicy(),
  measurementAllowlist: [{ tee: 'sgx', mrEnclave: SIM_DEFAULT_MRENCLAVE }],
};

function request(quote: Partial<Omit<SimQuoteRequest, 'tee'>> = {}, over: Partial<EvidenceCheck> = {}) {
  const sim = createSimQuote(pki, { tee: 'sgx', mrEnclave: SIM_DEFAULT_MRENCLAVE, reportData, ...quote });
  const check: EvidenceCheck = {
    evidence: { tag: 'Dcap', value: { quote: sim.quote, collateral: parseCollateralJson(sim.collateral) } },
    trustedRoots: [pki.rootCertDer],
    policy,
    at: now + 60,
    tee: 'sgx',
    reportData,
    ...over,
  };
  return check;
}

/** The code of the AttestationError `check` throws, and for a policy refusal its reason's code. */
function refusal(check: EvidenceCheck): string {
  try {
    checkEvidence(check);
  } catch (error) {
    assert.ok(error instanceof AttestationError, `not an AttestationError: ${String(error)}`);
    const reason = policyRefusalOf(error);
    return reason === undefined ? error.code : `${error.code}/${reason.code}`;
  }
  assert.fail('the evidence was accepted');
}

describe('checkEvidence', () => {
  it('accepts an allowlisted, up-to-date, non-debug quote that carries the expected report data', () => {
    const checked = checkEvidence(request());
    assert.equal(checked.verified.tee, 'sgx');
    assert.equal(checked.verified.tcbStatus, 'UpToDate');
    assert.equal(checked.confidence, 1);
  });

  it('refuses a debug enclave, an OutOfDate platform and a measurement outside the allowlist', () => {
    assert.equal(refusal(request({ debug: true })), 'PolicyRejected/DebugRefused');
    assert.equal(refusal(request({ tcbStatus: 'OutOfDate' })), 'PolicyRejected/TcbStatusRefused');
    assert.equal(
      refusal(request({ mrEnclave: new Uint8Array(32).fill(0x42) })),
      'PolicyRejected/MeasurementNotAllowed',
    );
  });

  it('refuses other report data, another TEE than claimed, and a root it was not given', () => {
    assert.equal(refusal(request({}, { reportData: new Uint8Array(64) })), 'ReportDataMismatch');
    assert.equal(refusal(request({}, { tee: 'tdx' })), 'TeeMismatch');
    const other = createSimPki({ seed: utf8('another sim PKI'), now });
    assert.equal(refusal(request({}, { trustedRoots: [other.rootCertDer] })), 'UntrustedRoot');
  });

  it('checks the policy before the report data, as the registry orders its errors', () => {
    assert.equal(
      refusal(request({ debug: true }, { reportData: new Uint8Array(64) })),
      'PolicyRejected/DebugRefused',
    );
  });

  it('turns bytes that are not a quote into a typed error, never another exception', () => {
    const check = request();
    assert.equal(check.evidence.tag, 'Dcap');
    const garbage: EvidenceCheck = {
      ...check,
      evidence: { tag: 'Dcap', value: { ...check.evidence.value, quote: new Uint8Array(100).fill(3) } },
    };
    assert.equal(refusal(garbage), 'UnsupportedQuoteVersion');
    const ias: EvidenceCheck = {
      ...check,
      evidence: {
        tag: 'Ias',
        value: { report: utf8('{'), signature: new Uint8Array(256), signingCert: new Uint8Array(3) },
      },
    };
    assert.equal(refusal(ias), 'MalformedCertificate');
  });

  it('rejects as InternalError, not as bad evidence, when the verifier itself throws an untyped error', () => {
    // A collateral of the wrong shape reaches the verifier as a TypeError (a bug of ours: the codec
    // never decodes one), and an IAS signature that is no bytes fails before any parser sees it.
    const check = request();
    assert.equal(check.evidence.tag, 'Dcap');
    const nullCollateral: EvidenceCheck = {
      ...check,
      evidence: {
        tag: 'Dcap',
        value: { quote: check.evidence.value.quote, collateral: null as unknown as Collateral },
      },
    };
    assert.equal(refusal(nullCollateral), 'InternalError');
    const ias: EvidenceCheck = {
      ...check,
      evidence: {
        tag: 'Ias',
        value: {
          report: utf8('{}'),
          signature: undefined as unknown as Uint8Array,
          signingCert: new Uint8Array(3),
        },
      },
    };
    assert.equal(refusal(ias), 'InternalError');
    // The cause is kept for the log that reports the bug.
    assert.throws(
      () => checkEvidence(nullCollateral),
      (error: unknown) => error instanceof AttestationError && error.cause instanceof TypeError,
    );
  });

  it('shares one verifier per set of roots, whichever array holds them', () => {
    assert.equal(dcapVerifierFor([pki.rootCertDer]), dcapVerifierFor([Uint8Array.from(pki.rootCertDer)]));
  });
});
