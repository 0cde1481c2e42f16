import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex } from '../codec/bytes.js';
import { AttestationError } from './errors.js';
import { verifyIasReport } from './ias/verifyIasReport.js';
import {
  type AttestationPolicy,
  confidenceLevel,
  defaultPolicy,
  enforcePolicy,
  evaluatePolicy,
  evaluateRecordedEvidence,
  isSeptVeDisabled,
  measurementRuleToJson,
  parsePolicyJson,
} from './policy.js';
import { INTEL_IAS_SIGNING_CA_DER } from './roots/intelRoots.js';
import {
  type IasQuoteStatus,
  TCB_STATUSES,
  type TcbStatus,
  type TdxMeasurements,
  type VerifiedEvidence,
} from './types.js';

const AT = 1_750_000_000;
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
// TD attributes with SEPT_VE_DISABLE (bit 28 of the little-endian u64) set.
const TD_ATTRIBUTES_SEPT = Uint8Array.from([0, 0, 0, 0x10, 0, 0, 0, 0]);

function sgxEvidence(overrides: Partial<VerifiedEvidence> = {}): VerifiedEvidence {
  return {
    kind: 'dcap',
    tee: 'sgx',
    quoteVersion: 3,
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    debug: false,
    measurements: {
      tee: 'sgx',
      mrEnclave: fill(32, 0xe1),
      mrSigner: fill(32, 0x51),
      isvProdId: 7,
      isvSvn: 3,
      attributes: fill(16, 0),
      miscSelect: 0,
    },
    reportData: fill(64, 0),
    collateralExpiresAt: AT + 1000,
    ...overrides,
  };
}

function tdxEvidence(
  m: Partial<TdxMeasurements> = {},
  overrides: Partial<VerifiedEvidence> = {},
): VerifiedEvidence {
  return {
    ...sgxEvidence(),
    tee: 'tdx',
    quoteVersion: 4,
    measurements: {
      tee: 'tdx',
      mrTd: fill(48, 0x7d),
      rtmr0: fill(48, 0),
      rtmr1: fill(48, 1),
      rtmr2: fill(48, 2),
      rtmr3: fill(48, 3),
      mrSeam: fill(48, 0),
      mrSignerSeam: fill(48, 0),
      mrConfigId: fill(48, 0),
      mrOwner: fill(48, 0),
      mrOwnerConfig: fill(48, 0),
      tdAttributes: TD_ATTRIBUTES_SEPT,
      xfam: fill(8, 0),
      teeTcbSvn: fill(16, 0),
      ...m,
    },
    ...overrides,
  };
}

function refusal(evidence: VerifiedEvidence, policy: AttestationPolicy, at = AT): string {
  const verdict = evaluatePolicy(evidence, policy, at);
  assert.equal(verdict.accepted, false, 'expected a refusal');
  return verdict.accepted ? '' : verdict.reason.code;
}

function confidence(evidence: VerifiedEvidence, policy: AttestationPolicy, at = AT): number {
  const verdict = evaluatePolicy(evidence, policy, at);
  assert.ok(verdict.accepted, verdict.accepted ? '' : verdict.reason.message);
  return verdict.confidence;
}

const VECTORS = new URL('../../../shared/vectors/attestation/', import.meta.url);
function iasVector(id: string): { evidence: VerifiedEvidence; now: number } {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', VECTORS), 'utf8')) as {
    cases: { id: string; report: string; signature: string; signingCert: string; now: number }[];
  };
  const c = manifest.cases.find((x) => x.id === id)!;
  const evidence = verifyIasReport(
    {
      report: new Uint8Array(readFileSync(new URL(c.report, VECTORS))),
      signature: readFileSync(new URL(c.signature, VECTORS), 'utf8'),
      signingCert: new Uint8Array(readFileSync(new URL(c.signingCert, VECTORS))),
    },
    { trusted: { roots: [INTEL_IAS_SIGNING_CA_DER] }, at: c.now },
  );
  return { evidence, now: c.now };
}

const ALL_TCB: TcbStatus[] = [...TCB_STATUSES];

describe('evaluatePolicy', () => {
  it('accepts UpToDate with confidence 1 and SWHardeningNeeded with confidence 2 under the defaults', () => {
    assert.equal(confidence(sgxEvidence(), defaultPolicy()), 1);
    assert.equal(confidence(sgxEvidence({ tcbStatus: 'SWHardeningNeeded' }), defaultPolicy()), 2);
  });

  it('refuses every other TCB status under the defaults', () => {
    for (const status of ALL_TCB.slice(2)) {
      assert.equal(refusal(sgxEvidence({ tcbStatus: status }), defaultPolicy()), 'TcbStatusRefused', status);
    }
  });

  it('refuses Revoked and DCAP evidence without a status even when the policy lists every status', () => {
    const policy = { ...defaultPolicy(), acceptedTcbStatuses: ALL_TCB };
    assert.equal(refusal(sgxEvidence({ tcbStatus: 'Revoked' }), policy), 'TcbStatusRefused');
    const { tcbStatus: _, ...noStatus } = sgxEvidence();
    assert.equal(refusal(noStatus, policy), 'TcbStatusRefused');
  });

  it('judges IAS evidence by its quote status, not a TCB status', () => {
    const { evidence, now } = iasVector('ias-phala-pallet-sample'); // SW_HARDENING_NEEDED, production
    assert.equal(confidence(evidence, defaultPolicy(), now), 2);
    assert.equal(
      refusal(evidence, { ...defaultPolicy(), acceptedQuoteStatuses: ['OK'] }, now),
      'TcbStatusRefused',
    );
    const outOfDate = iasVector('ias-phala-gramine-sample'); // GROUP_OUT_OF_DATE
    assert.equal(refusal(outOfDate.evidence, defaultPolicy(), outOfDate.now), 'TcbStatusRefused');
  });

  it('refuses a debug enclave unless the policy allows debug', () => {
    const { evidence, now } = iasVector('ias-attestation-cert-hw-v2'); // SW_HARDENING_NEEDED, debug
    assert.equal(evidence.debug, true);
    assert.equal(refusal(evidence, defaultPolicy(), now), 'DebugRefused');
    assert.equal(confidence(evidence, { ...defaultPolicy(), allowDebug: true }, now), 2);
    assert.equal(refusal(tdxEvidence({}, { debug: true }), defaultPolicy()), 'DebugRefused');
  });

  it('requires SEPT_VE_DISABLE on a TD unless configured off, and never asks it of SGX', () => {
    assert.equal(confidence(tdxEvidence(), defaultPolicy()), 1);
    const without = tdxEvidence({ tdAttributes: fill(8, 0) });
    assert.equal(refusal(without, defaultPolicy()), 'SeptVeDisableRequired');
    // bit 29, next to it, is not bit 28
    assert.equal(
      refusal(tdxEvidence({ tdAttributes: Uint8Array.from([0, 0, 0, 0x20, 0, 0, 0, 0]) }), defaultPolicy()),
      'SeptVeDisableRequired',
    );
    assert.equal(confidence(without, { ...defaultPolicy(), requireSeptVeDisable: false }), 1);
    assert.equal(confidence(sgxEvidence(), { ...defaultPolicy(), requireSeptVeDisable: true }), 1);
  });

  it('requires every advisory to be listed when an advisory allowlist is set', () => {
    const evidence = sgxEvidence({
      tcbStatus: 'SWHardeningNeeded',
      advisoryIds: ['INTEL-SA-00334', 'INTEL-SA-00615'],
    });
    assert.equal(confidence(evidence, defaultPolicy()), 2);
    const policy = { ...defaultPolicy(), advisoryAllowlist: ['INTEL-SA-00334'] };
    assert.equal(refusal(evidence, policy), 'AdvisoryRefused');
    assert.equal(
      confidence(evidence, { ...policy, advisoryAllowlist: ['INTEL-SA-00334', 'INTEL-SA-00615'] }),
      2,
    );
    assert.equal(confidence(sgxEvidence(), { ...policy, advisoryAllowlist: [] }), 1);
  });

  it('matches SGX measurements by MRENCLAVE, MRSIGNER, ISVPRODID and a minimum ISVSVN', () => {
    const e = sgxEvidence();
    const allow = (rule: object) => ({ ...defaultPolicy(), measurementAllowlist: [rule as never] });
    assert.equal(confidence(e, allow({ tee: 'sgx', mrEnclave: fill(32, 0xe1) })), 1);
    assert.equal(
      confidence(e, allow({ tee: 'sgx', mrSigner: fill(32, 0x51), isvProdId: 7, minIsvSvn: 3 })),
      1,
    );
    assert.equal(
      refusal(e, allow({ tee: 'sgx', mrSigner: fill(32, 0x51), minIsvSvn: 4 })),
      'MeasurementNotAllowed',
    );
    assert.equal(
      refusal(e, allow({ tee: 'sgx', mrSigner: fill(32, 0x51), isvProdId: 8 })),
      'MeasurementNotAllowed',
    );
    assert.equal(refusal(e, allow({ tee: 'sgx', mrEnclave: fill(32, 0xe2) })), 'MeasurementNotAllowed');
    assert.equal(refusal(e, allow({ tee: 'tdx', mrTd: fill(48, 0x7d) })), 'MeasurementNotAllowed');
  });

  it('matches TDX measurements by MRTD and the RTMRs the rule names', () => {
    const e = tdxEvidence();
    const allow = (rule: object) => ({ ...defaultPolicy(), measurementAllowlist: [rule as never] });
    assert.equal(confidence(e, allow({ tee: 'tdx', mrTd: fill(48, 0x7d) })), 1);
    assert.equal(
      confidence(e, allow({ tee: 'tdx', mrTd: fill(48, 0x7d), rtmr1: fill(48, 1), rtmr3: fill(48, 3) })),
      1,
    );
    assert.equal(
      refusal(e, allow({ tee: 'tdx', mrTd: fill(48, 0x7d), rtmr2: fill(48, 9) })),
      'MeasurementNotAllowed',
    );
    assert.equal(refusal(e, allow({ tee: 'tdx', mrTd: fill(48, 0x7e) })), 'MeasurementNotAllowed');
    assert.equal(refusal(e, { ...defaultPolicy(), measurementAllowlist: [] }), 'MeasurementNotAllowed');
  });

  it('refuses IAS evidence older than the maximum age, and leaves DCAP evidence (no production time) alone', () => {
    const { evidence, now } = iasVector('ias-phala-pallet-sample');
    const policy = { ...defaultPolicy(), maxEvidenceAgeSeconds: 3600 };
    const producedAt = evidence.producedAt!;
    assert.equal(confidence(evidence, policy, producedAt + 3600), 2);
    assert.equal(refusal(evidence, policy, producedAt + 3601), 'EvidenceTooOld');
    assert.ok(now - producedAt <= 3600);
    assert.equal(confidence(sgxEvidence(), policy, AT + 10 ** 9), 1);
  });

  it('gives each status the documented confidence level', () => {
    const expected: Record<string, number | undefined> = {
      UpToDate: 1,
      SWHardeningNeeded: 2,
      ConfigurationNeeded: 3,
      ConfigurationAndSWHardeningNeeded: 3,
      OutOfDate: 5,
      OutOfDateConfigurationNeeded: 5,
      Revoked: undefined,
    };
    for (const s of ALL_TCB) assert.equal(confidenceLevel(sgxEvidence({ tcbStatus: s })), expected[s], s);
    const ias: Record<IasQuoteStatus, number | undefined> = {
      OK: 1,
      SW_HARDENING_NEEDED: 2,
      CONFIGURATION_NEEDED: 3,
      CONFIGURATION_AND_SW_HARDENING_NEEDED: 3,
      GROUP_OUT_OF_DATE: 5,
      SIGNATURE_INVALID: undefined,
      GROUP_REVOKED: undefined,
      SIGNATURE_REVOKED: undefined,
      KEY_REVOKED: undefined,
      SIGRL_VERSION_MISMATCH: undefined,
    };
    for (const [s, level] of Object.entries(ias)) {
      assert.equal(
        confidenceLevel({ kind: 'ias', quoteStatus: s as IasQuoteStatus, advisoryIds: [] }),
        level,
        s,
      );
    }
  });

  it('lowers a configuration-needed status to level 4 when an advisory is outside the benign list', () => {
    const benign = sgxEvidence({
      tcbStatus: 'ConfigurationNeeded',
      advisoryIds: ['INTEL-SA-00334', 'INTEL-SA-00219'],
    });
    assert.equal(confidenceLevel(benign), 3);
    assert.equal(confidenceLevel({ ...benign, advisoryIds: ['INTEL-SA-00334', 'INTEL-SA-00615'] }), 4);
    const policy = { ...defaultPolicy(), acceptedTcbStatuses: ['ConfigurationNeeded' as const] };
    assert.equal(confidence({ ...benign, advisoryIds: ['INTEL-SA-00615'] }, policy), 4);
  });

  it('accepts only what the policy lists, for any status and debug bit (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_TCB),
        fc.subarray(ALL_TCB),
        fc.boolean(),
        fc.boolean(),
        (status, accepted, debug, allowDebug) => {
          const policy = { ...defaultPolicy(), acceptedTcbStatuses: accepted, allowDebug };
          const verdict = evaluatePolicy(sgxEvidence({ tcbStatus: status, debug }), policy, AT);
          const expected = accepted.includes(status) && status !== 'Revoked' && (!debug || allowDebug);
          assert.equal(verdict.accepted, expected);
        },
      ),
    );
  });
});

describe('enforcePolicy', () => {
  it('returns the confidence of accepted evidence', () => {
    assert.equal(enforcePolicy(sgxEvidence(), defaultPolicy(), AT), 1);
  });

  it('throws PolicyRejected carrying the reason', () => {
    assert.throws(
      () => enforcePolicy(sgxEvidence({ debug: true }), defaultPolicy(), AT),
      (e: unknown) =>
        e instanceof AttestationError &&
        e.code === 'PolicyRejected' &&
        (e.details.reason as { code: string }).code === 'DebugRefused',
    );
  });
});

describe('parsePolicyJson', () => {
  it('reads an empty document as the production defaults', () => {
    assert.deepEqual(parsePolicyJson({}), defaultPolicy());
  });

  it('reads a full policy, and its rules write back as the JSON they were read from (0x, lowercase)', () => {
    const json = {
      acceptedTcbStatuses: ['UpToDate', 'OutOfDate'],
      acceptedQuoteStatuses: ['OK'],
      advisoryAllowlist: ['INTEL-SA-00334'],
      allowDebug: true,
      requireSeptVeDisable: false,
      measurementAllowlist: [
        { tee: 'sgx', mrSigner: '51'.repeat(32), isvProdId: 1, minIsvSvn: 2 },
        { tee: 'tdx', mrTd: `0x${'7D'.repeat(48)}`, rtmr0: '00'.repeat(48) },
      ],
      maxEvidenceAgeSeconds: 86400,
    };
    const policy = parsePolicyJson(json);
    assert.deepEqual(policy.measurementAllowlist?.map(measurementRuleToJson), [
      { tee: 'sgx', mrSigner: `0x${'51'.repeat(32)}`, isvProdId: 1, minIsvSvn: 2 },
      { tee: 'tdx', mrTd: `0x${'7d'.repeat(48)}`, rtmr0: `0x${'00'.repeat(48)}` },
    ]);
    assert.deepEqual(policy.advisoryAllowlist, ['INTEL-SA-00334']);
    assert.equal(policy.maxEvidenceAgeSeconds, 86400);
    assert.equal(policy.allowDebug, true);
    const rule = policy.measurementAllowlist?.[0];
    assert.ok(rule?.tee === 'sgx' && rule.mrSigner && bytesToHex(rule.mrSigner) === '51'.repeat(32));
    assert.equal(
      confidence(tdxEvidence({ tdAttributes: fill(8, 0) }, { tcbStatus: 'OutOfDate' }), policy),
      5,
    );
  });

  it('rejects unknown fields, unacceptable statuses, bad hex and rules that match everything', () => {
    const bad: unknown[] = [
      null,
      [],
      { allowdebug: true },
      { acceptedTcbStatuses: ['Revoked'] },
      { acceptedQuoteStatuses: ['KEY_REVOKED'] },
      { acceptedTcbStatuses: 'UpToDate' },
      { allowDebug: 'no' },
      { measurementAllowlist: [{ tee: 'sgx' }] },
      { measurementAllowlist: [{ tee: 'sgx', isvProdId: 1 }] },
      { measurementAllowlist: [{ tee: 'sgx', mrEnclave: 'zz'.repeat(32) }] },
      { measurementAllowlist: [{ tee: 'tdx', mrTd: '00'.repeat(32) }] },
      { measurementAllowlist: [{ tee: 'sev', mrTd: '00'.repeat(48) }] },
      { maxEvidenceAgeSeconds: -1 },
      { maxEvidenceAgeSeconds: 1.5 },
    ];
    for (const json of bad) {
      assert.throws(
        () => parsePolicyJson(json),
        (e: unknown) => e instanceof AttestationError && e.code === 'MalformedPolicy',
        JSON.stringify(json),
      );
    }
  });

  it('never throws anything but MalformedPolicy on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          parsePolicyJson(json);
        } catch (e) {
          assert.ok(e instanceof AttestationError && e.code === 'MalformedPolicy');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('isSeptVeDisabled', () => {
  it('reads bit 28 of the little-endian TD attributes', () => {
    assert.equal(isSeptVeDisabled(TD_ATTRIBUTES_SEPT), true);
    assert.equal(isSeptVeDisabled(Uint8Array.from([0xff, 0xff, 0xff, 0xef, 0xff, 0xff, 0xff, 0xff])), false);
  });
});

describe('evaluateRecordedEvidence', () => {
  const recordOf = (evidence: VerifiedEvidence) => ({
    kind: evidence.kind,
    tcbStatus: evidence.tcbStatus,
    quoteStatus: evidence.quoteStatus,
    advisoryIds: evidence.advisoryIds,
    measurements: evidence.measurements,
  });
  const allowed = { tee: 'sgx' as const, mrEnclave: fill(32, 0xe1) };

  it('refuses a recorded measurement that a later allowlist no longer lists', () => {
    const record = recordOf(sgxEvidence());
    const before = { ...defaultPolicy(), measurementAllowlist: [allowed] };
    assert.deepEqual(evaluateRecordedEvidence(record, before), { accepted: true, confidence: 1 });
    const after = { ...before, measurementAllowlist: [{ tee: 'sgx' as const, mrEnclave: fill(32, 0xe2) }] };
    const verdict = evaluateRecordedEvidence(record, after);
    assert.equal(verdict.accepted ? 'accepted' : verdict.reason.code, 'MeasurementNotAllowed');
  });

  it('gives the verdict evaluatePolicy gives the evidence, whenever debug, TD attributes and age do not decide', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_TCB),
        fc.subarray(['INTEL-SA-00334', 'INTEL-SA-00615', 'INTEL-SA-00828']),
        fc.subarray(ALL_TCB),
        fc.option(fc.subarray(['INTEL-SA-00334', 'INTEL-SA-00615']), { nil: undefined }),
        fc.boolean(),
        (tcbStatus, advisoryIds, accepted, advisoryAllowlist, listed) => {
          const evidence = sgxEvidence({ tcbStatus, advisoryIds });
          const policy: AttestationPolicy = {
            ...defaultPolicy(),
            acceptedTcbStatuses: accepted,
            ...(advisoryAllowlist === undefined ? {} : { advisoryAllowlist }),
            measurementAllowlist: listed ? [allowed] : [],
          };
          assert.deepEqual(
            evaluateRecordedEvidence(recordOf(evidence), policy),
            evaluatePolicy(evidence, policy, AT),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
