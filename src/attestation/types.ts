// The verdict of verified evidence, the same shape for DCAP (SGX, TDX) and IAS (EPID), so that
// policy and the registry never care which path produced it.

export type TeeType = 'sgx' | 'tdx';
export type EvidenceKind = 'dcap' | 'ias';

/**
 * Intel's TCB statuses (DCAP) after merging platform and QE status. The one list every parser,
 * policy and codec builds on; the registry's SCALE enum uses this order as its index, which is
 * consensus, so new statuses go at the end.
 */
export const TCB_STATUSES = [
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
] as const;
export type TcbStatus = (typeof TCB_STATUSES)[number];

/** IAS `isvEnclaveQuoteStatus` values (IAS API specification rev. 6, section 4.2.1); append-only, as above. */
export const IAS_QUOTE_STATUSES = [
  'OK',
  'SIGNATURE_INVALID',
  'GROUP_REVOKED',
  'SIGNATURE_REVOKED',
  'KEY_REVOKED',
  'SIGRL_VERSION_MISMATCH',
  'GROUP_OUT_OF_DATE',
  'CONFIGURATION_NEEDED',
  'SW_HARDENING_NEEDED',
  'CONFIGURATION_AND_SW_HARDENING_NEEDED',
] as const;
export type IasQuoteStatus = (typeof IAS_QUOTE_STATUSES)[number];

export interface SgxMeasurements {
  readonly tee: 'sgx';
  readonly mrEnclave: Uint8Array; // 32
  readonly mrSigner: Uint8Array; // 32
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly attributes: Uint8Array; // 16
  readonly miscSelect: number;
}

export interface TdxMeasurements {
  readonly tee: 'tdx';
  readonly mrTd: Uint8Array; // 48
  readonly rtmr0: Uint8Array; // 48
  readonly rtmr1: Uint8Array;
  readonly rtmr2: Uint8Array;
  readonly rtmr3: Uint8Array;
  readonly mrSeam: Uint8Array; // 48
  readonly mrSignerSeam: Uint8Array; // 48
  readonly mrConfigId: Uint8Array; // 48
  readonly mrOwner: Uint8Array; // 48
  readonly mrOwnerConfig: Uint8Array; // 48
  readonly tdAttributes: Uint8Array; // 8
  readonly xfam: Uint8Array; // 8
  readonly teeTcbSvn: Uint8Array; // 16
  readonly mrServiceTd?: Uint8Array; // 48, TDX 1.5 bodies only
}

export type Measurements = SgxMeasurements | TdxMeasurements;

export interface VerifiedEvidence {
  readonly kind: EvidenceKind;
  readonly tee: TeeType;
  /** DCAP quote version (3, 4, 5); IAS reports give the report `version`. */
  readonly quoteVersion: number;
  /** DCAP: merged TCB status. IAS: undefined. */
  readonly tcbStatus?: TcbStatus;
  /** IAS: isvEnclaveQuoteStatus. DCAP: undefined. */
  readonly quoteStatus?: IasQuoteStatus;
  readonly advisoryIds: readonly string[];
  readonly debug: boolean;
  readonly measurements: Measurements;
  readonly reportData: Uint8Array; // 64
  /** DCAP: FMSPC from the PCK certificate (6 bytes). */
  readonly fmspc?: Uint8Array;
  /** Unix seconds: the earliest instant at which a certificate, CRL, TCB info or QE identity used stops being valid. */
  readonly collateralExpiresAt: number;
  /** Unix seconds at which the evidence was produced, where the evidence says (IAS timestamp); otherwise undefined. */
  readonly producedAt?: number;
}
