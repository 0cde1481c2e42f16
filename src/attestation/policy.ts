// Attestation policy: whether *valid* evidence may register a worker (DESIGN.md section 4.4). It is
// kept apart from verification on purpose: verification says what the evidence proves, policy says
// what this chain accepts (shared/vectors/attestation/README.md, "Notes that matter"). Pure; the
// time is an argument. The status-to-confidence table is documented in ./README.md.
import { z } from 'zod';
import { bytesToHex, equalBytes, hexToBytes } from '../codec/bytes.js';
import { AttestationError } from './errors.js';
import type {
  EvidenceKind,
  IasQuoteStatus,
  SgxMeasurements,
  TcbStatus,
  TdxMeasurements,
  VerifiedEvidence,
} from './types.js';

export interface SgxMeasurementRule {
  readonly tee: 'sgx';
  readonly mrEnclave?: Uint8Array;
  readonly mrSigner?: Uint8Array;
  readonly isvProdId?: number;
  /** The enclave's ISVSVN must be at least this. */
  readonly minIsvSvn?: number;
}

export interface TdxMeasurementRule {
  readonly tee: 'tdx';
  readonly mrTd: Uint8Array;
  readonly rtmr0?: Uint8Array;
  readonly rtmr1?: Uint8Array;
  readonly rtmr2?: Uint8Array;
  readonly rtmr3?: Uint8Array;
}

export type MeasurementRule = SgxMeasurementRule | TdxMeasurementRule;

export interface AttestationPolicy {
  /** DCAP: merged TCB statuses accepted. `Revoked` can never be accepted. */
  readonly acceptedTcbStatuses: readonly TcbStatus[];
  /** IAS: `isvEnclaveQuoteStatus` values accepted. Only statuses with a confidence level can be. */
  readonly acceptedQuoteStatuses: readonly IasQuoteStatus[];
  /** When set, every advisory ID of the evidence must be listed here. */
  readonly advisoryAllowlist?: readonly string[];
  readonly allowDebug: boolean;
  /** TDX: TD attribute bit 28 (SEPT_VE_DISABLE) must be set. */
  readonly requireSeptVeDisable: boolean;
  /** When set, the measurement must match at least one rule. */
  readonly measurementAllowlist?: readonly MeasurementRule[];
  /** When set, evidence that says when it was produced (IAS) must be at most this old at `at`. */
  readonly maxEvidenceAgeSeconds?: number;
}

/** The measurement fields a rule can name: what the allowlist is matched against. */
export type RuleMeasurements =
  | Pick<SgxMeasurements, 'tee' | 'mrEnclave' | 'mrSigner' | 'isvProdId' | 'isvSvn'>
  | Pick<TdxMeasurements, 'tee' | 'mrTd' | 'rtmr0' | 'rtmr1' | 'rtmr2' | 'rtmr3'>;

/**
 * What a chain keeps of evidence it accepted (the registry's `AttestationFacts`): enough to judge it
 * again under a later policy without the evidence. Debug mode and TD attributes are not part of it;
 * whoever holds the evidence (a gatekeeper) re-checks those with `evaluatePolicy`.
 */
export interface RecordedEvidence {
  readonly kind: EvidenceKind;
  readonly tcbStatus?: TcbStatus | undefined;
  readonly quoteStatus?: IasQuoteStatus | undefined;
  readonly advisoryIds: readonly string[];
  readonly measurements: RuleMeasurements;
}

export type PolicyRefusalCode =
  | 'TcbStatusRefused'
  | 'AdvisoryRefused'
  | 'DebugRefused'
  | 'SeptVeDisableRequired'
  | 'MeasurementNotAllowed'
  | 'EvidenceTooOld';

/** The refusals `evaluateRecordedEvidence` can give: the checks a record is enough for. */
export type RecordedRefusalCode = Extract<
  PolicyRefusalCode,
  'TcbStatusRefused' | 'AdvisoryRefused' | 'MeasurementNotAllowed'
>;

export interface PolicyRefusal<C extends PolicyRefusalCode = PolicyRefusalCode> {
  readonly code: C;
  readonly message: string;
}

export type PolicyVerdict<C extends PolicyRefusalCode = PolicyRefusalCode> =
  | { readonly accepted: true; readonly confidence: number }
  | { readonly accepted: false; readonly reason: PolicyRefusal<C> };

// Confidence levels, 1 = strongest, after Phala's pRuntime (phala-blockchain, pallets/phala
// constants SGX_QUOTE_STATUS_LEVEL_1..5): level 4 is a level-3 status whose advisories are not all
// in a short list of advisories that a configuration change cannot fix but that do not expose
// enclave secrets in practice. Statuses missing here (Revoked, the IAS *_REVOKED and
// SIGNATURE_INVALID family) have no level and are never accepted.
const TCB_CONFIDENCE: Readonly<Record<TcbStatus, number | undefined>> = {
  UpToDate: 1,
  SWHardeningNeeded: 2,
  ConfigurationNeeded: 3,
  ConfigurationAndSWHardeningNeeded: 3,
  OutOfDate: 5,
  OutOfDateConfigurationNeeded: 5,
  Revoked: undefined,
};

const QUOTE_STATUS_CONFIDENCE: Readonly<Record<IasQuoteStatus, number | undefined>> = {
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

/**
 * The statuses a policy may list: those with a confidence level, in the tables' order. The JSON
 * policy and the registry's on-chain policy both refuse the others.
 */
export const ACCEPTABLE_TCB_STATUSES: readonly TcbStatus[] = withConfidence(TCB_CONFIDENCE);
export const ACCEPTABLE_QUOTE_STATUSES: readonly IasQuoteStatus[] = withConfidence(QUOTE_STATUS_CONFIDENCE);

function withConfidence<S extends string>(table: Readonly<Record<S, number | undefined>>): S[] {
  return (Object.keys(table) as S[]).filter((status) => table[status] !== undefined);
}

/** Phala's SGX_QUOTE_ADVISORY_ID_WHITELIST: a level-3 status with only these stays at level 3. */
export const CONFIDENCE_BENIGN_ADVISORIES: readonly string[] = [
  'INTEL-SA-00334',
  'INTEL-SA-00219',
  'INTEL-SA-00381',
  'INTEL-SA-00389',
];

/** The confidence level of a status (1 strongest .. 5), or undefined if it can never be accepted. */
export function confidenceLevel(
  evidence: Pick<RecordedEvidence, 'tcbStatus' | 'quoteStatus' | 'advisoryIds' | 'kind'>,
): number | undefined {
  const base =
    evidence.kind === 'ias'
      ? evidence.quoteStatus === undefined
        ? undefined
        : QUOTE_STATUS_CONFIDENCE[evidence.quoteStatus]
      : evidence.tcbStatus === undefined
        ? undefined
        : TCB_CONFIDENCE[evidence.tcbStatus];
  if (base === 3 && !evidence.advisoryIds.every((id) => CONFIDENCE_BENIGN_ADVISORIES.includes(id))) return 4;
  return base;
}

/** Production defaults (DESIGN.md section 4.4): up-to-date or SW-hardening-needed, no debug, SEPT_VE_DISABLE. */
export function defaultPolicy(): AttestationPolicy {
  return {
    acceptedTcbStatuses: ['UpToDate', 'SWHardeningNeeded'],
    acceptedQuoteStatuses: ['OK', 'SW_HARDENING_NEEDED'],
    allowDebug: false,
    requireSeptVeDisable: true,
  };
}

// TDX Module ABI, TDREPORT_STRUCT: TD_ATTRIBUTES is a little-endian 64-bit field; bit 28 is
// SEPT_VE_DISABLE (Intel TDX Module 1.5 ABI specification, table "TD_ATTRIBUTES Definition").
const SEPT_VE_DISABLE_BYTE = 3;
const SEPT_VE_DISABLE_MASK = 1 << (28 - 8 * SEPT_VE_DISABLE_BYTE);

export function isSeptVeDisabled(tdAttributes: Uint8Array): boolean {
  return ((tdAttributes[SEPT_VE_DISABLE_BYTE] ?? 0) & SEPT_VE_DISABLE_MASK) !== 0;
}

function matchesRule(m: RuleMeasurements, rule: MeasurementRule): boolean {
  if (rule.tee === 'sgx') {
    if (m.tee !== 'sgx') return false;
    if (rule.mrEnclave !== undefined && !equalBytes(rule.mrEnclave, m.mrEnclave)) return false;
    if (rule.mrSigner !== undefined && !equalBytes(rule.mrSigner, m.mrSigner)) return false;
    if (rule.isvProdId !== undefined && rule.isvProdId !== m.isvProdId) return false;
    if (rule.minIsvSvn !== undefined && m.isvSvn < rule.minIsvSvn) return false;
    return true;
  }
  if (m.tee !== 'tdx') return false;
  if (!equalBytes(rule.mrTd, m.mrTd)) return false;
  for (const key of ['rtmr0', 'rtmr1', 'rtmr2', 'rtmr3'] as const) {
    const want = rule[key];
    if (want !== undefined && !equalBytes(want, m[key])) return false;
  }
  return true;
}

function describeMeasurement(m: RuleMeasurements): string {
  return m.tee === 'sgx'
    ? `MRENCLAVE ${bytesToHex(m.mrEnclave)}, MRSIGNER ${bytesToHex(m.mrSigner)}, ISVPRODID ${m.isvProdId}, ISVSVN ${m.isvSvn}`
    : `MRTD ${bytesToHex(m.mrTd)}`;
}

const refuse = <C extends PolicyRefusalCode>(code: C, message: string): PolicyVerdict<C> => ({
  accepted: false,
  reason: { code, message },
});

// The checks that need only what a chain records, in evaluatePolicy's order: status and advisories
// (the verdict, with the confidence when accepted), then the measurement (undefined: no refusal).
function judgeStatus(
  evidence: RecordedEvidence,
  policy: AttestationPolicy,
): PolicyVerdict<RecordedRefusalCode> {
  const confidence = confidenceLevel(evidence);
  const status = evidence.kind === 'ias' ? evidence.quoteStatus : evidence.tcbStatus;
  const listed =
    evidence.kind === 'ias'
      ? evidence.quoteStatus !== undefined && policy.acceptedQuoteStatuses.includes(evidence.quoteStatus)
      : evidence.tcbStatus !== undefined && policy.acceptedTcbStatuses.includes(evidence.tcbStatus);
  // A status without a confidence level (revoked, invalid) is refused even if a policy lists it.
  if (confidence === undefined || !listed) {
    const what = evidence.kind === 'ias' ? 'IAS quote status' : 'TCB status';
    return refuse('TcbStatusRefused', `${what} ${status ?? '(none)'} is not accepted by policy`);
  }
  if (policy.advisoryAllowlist !== undefined) {
    const allowed = policy.advisoryAllowlist;
    const refused = evidence.advisoryIds.filter((id) => !allowed.includes(id));
    if (refused.length > 0) {
      return refuse('AdvisoryRefused', `advisories not allowed by policy: ${refused.join(', ')}`);
    }
  }
  return { accepted: true, confidence };
}

function refuseMeasurement(
  measurements: RuleMeasurements,
  policy: AttestationPolicy,
): PolicyVerdict<RecordedRefusalCode> | undefined {
  if (policy.measurementAllowlist === undefined) return undefined;
  if (policy.measurementAllowlist.some((rule) => matchesRule(measurements, rule))) return undefined;
  return refuse(
    'MeasurementNotAllowed',
    `measurement not in the allowlist: ${describeMeasurement(measurements)}`,
  );
}

/** Decides whether verified evidence may register under `policy` at `at` (Unix seconds). */
export function evaluatePolicy(
  evidence: VerifiedEvidence,
  policy: AttestationPolicy,
  at: number,
): PolicyVerdict {
  const status = judgeStatus(evidence, policy);
  if (!status.accepted) return status;
  if (evidence.debug && !policy.allowDebug) {
    return refuse(
      'DebugRefused',
      `${evidence.tee === 'tdx' ? 'TD' : 'enclave'} runs in debug mode, which policy refuses`,
    );
  }
  if (policy.requireSeptVeDisable && evidence.measurements.tee === 'tdx') {
    if (!isSeptVeDisabled(evidence.measurements.tdAttributes)) {
      return refuse(
        'SeptVeDisableRequired',
        `TD attributes ${bytesToHex(evidence.measurements.tdAttributes)} lack SEPT_VE_DISABLE (bit 28)`,
      );
    }
  }
  const measurement = refuseMeasurement(evidence.measurements, policy);
  if (measurement !== undefined) return measurement;
  // Only evidence that carries its production time (IAS) can be aged; DCAP quotes are bound to a
  // recent block through their report data instead (DESIGN.md section 4.2).
  if (policy.maxEvidenceAgeSeconds !== undefined && evidence.producedAt !== undefined) {
    const age = at - evidence.producedAt;
    if (!(age <= policy.maxEvidenceAgeSeconds)) {
      return refuse(
        'EvidenceTooOld',
        `evidence produced at ${evidence.producedAt} is ${age} s old at ${at}, more than ${policy.maxEvidenceAgeSeconds} s`,
      );
    }
  }
  return status;
}

/**
 * Judges what a chain recorded of evidence it once accepted against `policy` as it is now: the
 * status, advisory and measurement checks of `evaluatePolicy`, the same code in the same order. A
 * chain uses it to stop handing keys to a worker whose build or TCB governance has since refused.
 */
export function evaluateRecordedEvidence(
  evidence: RecordedEvidence,
  policy: AttestationPolicy,
): PolicyVerdict<RecordedRefusalCode> {
  const status = judgeStatus(evidence, policy);
  if (!status.accepted) return status;
  return refuseMeasurement(evidence.measurements, policy) ?? status;
}

/** Like evaluatePolicy, but throws AttestationError('PolicyRejected', ..., { reason }); returns the confidence. */
export function enforcePolicy(evidence: VerifiedEvidence, policy: AttestationPolicy, at: number): number {
  const verdict = evaluatePolicy(evidence, policy, at);
  if (!verdict.accepted) {
    throw new AttestationError('PolicyRejected', verdict.reason.message, { reason: verdict.reason });
  }
  return verdict.confidence;
}

/** The refusal an AttestationError('PolicyRejected') from enforcePolicy carries; undefined for any other error. */
export function policyRefusalOf(error: AttestationError): PolicyRefusal | undefined {
  if (error.code !== 'PolicyRejected') return undefined;
  return error.details.reason as PolicyRefusal | undefined;
}

// ---- JSON form ----
// A measurement rule's JSON form is declared once, here: `phalanx attest verify --policy FILE`
// reads it inside the library's policy below, and the chain's policy (genesis, `tx registry
// set-policy --file`, `registry_getPolicy`) reads and writes it through
// src/runtime/registry/schemas.ts. Hex takes an optional 0x in either case; written hex is 0x and
// lowercase.

const hexJson = (bytes: number) =>
  z.string().regex(new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`), `expected ${bytes} bytes of hex`);
const u16 = z.number().int().min(0).max(0xffff);

export const MeasurementRuleJsonSchema = z.discriminatedUnion('tee', [
  z.strictObject({
    tee: z.literal('sgx'),
    mrEnclave: hexJson(32).optional(),
    mrSigner: hexJson(32).optional(),
    isvProdId: u16.optional(),
    minIsvSvn: u16.optional(),
  }),
  z.strictObject({
    tee: z.literal('tdx'),
    mrTd: hexJson(48),
    rtmr0: hexJson(48).optional(),
    rtmr1: hexJson(48).optional(),
    rtmr2: hexJson(48).optional(),
    rtmr3: hexJson(48).optional(),
  }),
]);
export type MeasurementRuleJson = z.infer<typeof MeasurementRuleJsonSchema>;

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const bytesOf = (hex: string | undefined) => (hex === undefined ? undefined : hexToBytes(hex));
const hexOf = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : `0x${bytesToHex(bytes)}`);

/** A rule of its JSON form (already checked by MeasurementRuleJsonSchema); unset fields stay out. */
export function measurementRuleFromJson(json: MeasurementRuleJson): MeasurementRule {
  if (json.tee === 'sgx') {
    return dropUndefined({
      tee: 'sgx',
      mrEnclave: bytesOf(json.mrEnclave),
      mrSigner: bytesOf(json.mrSigner),
      isvProdId: json.isvProdId,
      minIsvSvn: json.minIsvSvn,
    }) as SgxMeasurementRule;
  }
  return dropUndefined({
    tee: 'tdx',
    mrTd: hexToBytes(json.mrTd),
    rtmr0: bytesOf(json.rtmr0),
    rtmr1: bytesOf(json.rtmr1),
    rtmr2: bytesOf(json.rtmr2),
    rtmr3: bytesOf(json.rtmr3),
  }) as TdxMeasurementRule;
}

/** The JSON form of a rule, the inverse of measurementRuleFromJson. */
export function measurementRuleToJson(rule: MeasurementRule): MeasurementRuleJson {
  if (rule.tee === 'sgx') {
    return dropUndefined({
      tee: 'sgx',
      mrEnclave: hexOf(rule.mrEnclave),
      mrSigner: hexOf(rule.mrSigner),
      isvProdId: rule.isvProdId,
      minIsvSvn: rule.minIsvSvn,
    });
  }
  return dropUndefined({
    tee: 'tdx',
    mrTd: `0x${bytesToHex(rule.mrTd)}`,
    rtmr0: hexOf(rule.rtmr0),
    rtmr1: hexOf(rule.rtmr1),
    rtmr2: hexOf(rule.rtmr2),
    rtmr3: hexOf(rule.rtmr3),
  });
}

const defaults = defaultPolicy();
// The library's policy for `attest verify --policy FILE`: absent fields take the production
// defaults. Unknown keys are rejected: a misspelt field in a security policy must not be ignored.
const AttestationPolicyJson = z.strictObject({
  acceptedTcbStatuses: z
    .array(z.enum(ACCEPTABLE_TCB_STATUSES))
    .max(16)
    .default([...defaults.acceptedTcbStatuses]),
  acceptedQuoteStatuses: z
    .array(z.enum(ACCEPTABLE_QUOTE_STATUSES))
    .max(16)
    .default([...defaults.acceptedQuoteStatuses]),
  advisoryAllowlist: z.array(z.string().min(1).max(64)).max(4096).optional(),
  allowDebug: z.boolean().default(defaults.allowDebug),
  requireSeptVeDisable: z.boolean().default(defaults.requireSeptVeDisable),
  measurementAllowlist: z
    .array(
      // A rule naming neither MRENCLAVE nor MRSIGNER would allow any enclave at all.
      MeasurementRuleJsonSchema.refine(
        (r) => r.tee !== 'sgx' || r.mrEnclave !== undefined || r.mrSigner !== undefined,
        'an SGX rule needs mrEnclave or mrSigner',
      ),
    )
    .max(4096)
    .optional(),
  maxEvidenceAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40)
    .optional(),
});

/** Reads a policy from parsed JSON; absent fields take defaultPolicy()'s values. */
export function parsePolicyJson(json: unknown): AttestationPolicy {
  const parsed = AttestationPolicyJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new AttestationError(
      'MalformedPolicy',
      `policy field ${field || '(root)'}: ${issue?.message ?? 'invalid'}`,
      {
        field,
      },
    );
  }
  const j = parsed.data;
  return dropUndefined({
    acceptedTcbStatuses: j.acceptedTcbStatuses,
    acceptedQuoteStatuses: j.acceptedQuoteStatuses,
    advisoryAllowlist: j.advisoryAllowlist,
    allowDebug: j.allowDebug,
    requireSeptVeDisable: j.requireSeptVeDisable,
    measurementAllowlist: j.measurementAllowlist?.map(measurementRuleFromJson),
    maxEvidenceAgeSeconds: j.maxEvidenceAgeSeconds,
  }) as AttestationPolicy;
}
