// The parsed form of an Intel DCAP ECDSA quote (v3, v4, v5). Field layouts: Intel SGX ECDSA Quote
// Library API (appendix A.4, "Quote Format", v3) and Intel TDX DCAP Quoting Library API (A.3, "Version 4
// Quote Format"; A.4, "Version 5"). All views are subarrays of the input: no copies on the hot path.

export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;

export interface QuoteHeader {
  readonly version: 3 | 4 | 5;
  readonly attestationKeyType: number;
  readonly teeType: 'sgx' | 'tdx';
  readonly qeSvn: number;
  readonly pceSvn: number;
  readonly qeVendorId: Uint8Array; // 16
  readonly userData: Uint8Array; // 20
}

/** SGX REPORT body (384 bytes), used both for the enclave's report and the QE's report. */
export interface EnclaveReport {
  readonly raw: Uint8Array; // the 384 bytes, as signed
  readonly cpuSvn: Uint8Array; // 16
  readonly miscSelect: number;
  readonly attributes: Uint8Array; // 16
  readonly mrEnclave: Uint8Array; // 32
  readonly mrSigner: Uint8Array; // 32
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly reportData: Uint8Array; // 64
}

/** TD report body: 584 bytes for TDX 1.0, 648 for TDX 1.5 (TEE_TCB_SVN2 and MRSERVICETD appended). */
export interface TdReport {
  readonly teeTcbSvn: Uint8Array; // 16
  readonly mrSeam: Uint8Array; // 48
  readonly mrSignerSeam: Uint8Array; // 48
  readonly seamAttributes: Uint8Array; // 8
  readonly tdAttributes: Uint8Array; // 8
  readonly xfam: Uint8Array; // 8
  readonly mrTd: Uint8Array; // 48
  readonly mrConfigId: Uint8Array; // 48
  readonly mrOwner: Uint8Array; // 48
  readonly mrOwnerConfig: Uint8Array; // 48
  readonly rtmr: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array]; // 48 each
  readonly reportData: Uint8Array; // 64
  readonly teeTcbSvn2?: Uint8Array; // 16, TDX 1.5
  readonly mrServiceTd?: Uint8Array; // 48, TDX 1.5
}

export type QuoteBody =
  | { readonly kind: 'sgx'; readonly report: EnclaveReport }
  | { readonly kind: 'td10' | 'td15'; readonly report: TdReport };

export interface Quote {
  readonly header: QuoteHeader;
  readonly body: QuoteBody;
  /** Header and body (with the v5 body descriptor): the bytes the attestation key signs. */
  readonly signedData: Uint8Array;
  readonly signature: Uint8Array; // 64, raw r||s
  readonly attestationKey: Uint8Array; // 64, raw x||y of a P-256 point
  readonly qeReport: EnclaveReport;
  readonly qeReportSignature: Uint8Array; // 64, raw r||s
  readonly qeAuthData: Uint8Array;
  /** The PCK certificate chain in PEM (certification data type 5), leaf first. */
  readonly pckChainPem: Uint8Array;
}
