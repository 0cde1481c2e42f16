// Quotes from the simulated TEE: SGX quotes v3 and TDX quotes v4, in Intel's exact byte format
// (quoteLayout.ts), signed by the machine's attestation key, with the QE report signed by the PCK
// key. The chosen TCB outcome selects the platform SVNs (simTcb.ts); measurements, report data,
// debug and SEPT_VE_DISABLE are as asked. Per quote, only the header, body and one ECDSA signature
// are computed; the machine and the collateral come from the PKI's caches.
import { concatBytes } from '../../codec/bytes.js';
import type { SimCollateral, SimPki, SimTee } from './createSimPki.js';
import { SimTeeError } from './errors.js';
import {
  encodeQuoteHeader,
  encodeSgxReportBody,
  encodeSignatureData,
  encodeTdxReportBody,
  TEE_TYPE_SGX,
  TEE_TYPE_TDX,
} from './quoteLayout.js';
import {
  SIM_DEFAULT_ISVPRODID,
  SIM_DEFAULT_ISVSVN,
  SIM_DEFAULT_MRENCLAVE,
  SIM_DEFAULT_MRSEAM,
  SIM_DEFAULT_MRSIGNER,
  SIM_DEFAULT_MRTD,
  SIM_DEFAULT_RTMR,
  SIM_DEFAULT_XFAM,
  SIM_DEFAULT_XFRM,
} from './simDefaults.js';
import { signRaw } from './simKey.js';
import { platformTcbFor, SIM_QE_SVN, type SimTcbOutcome } from './simTcb.js';

export interface SimQuoteRequest {
  readonly tee: SimTee;
  /** 64 bytes, copied into REPORTDATA. */
  readonly reportData: Uint8Array;
  // SGX
  readonly mrEnclave?: Uint8Array;
  readonly mrSigner?: Uint8Array;
  readonly isvProdId?: number;
  readonly isvSvn?: number;
  // TDX
  readonly mrTd?: Uint8Array;
  /** RTMR0..3, 48 bytes each. */
  readonly rtmr?: readonly Uint8Array[];
  readonly mrConfigId?: Uint8Array;
  readonly mrOwner?: Uint8Array;
  readonly mrOwnerConfig?: Uint8Array;
  readonly mrSeam?: Uint8Array;
  /** TD attribute SEPT_VE_DISABLE (bit 28); default true, as production TDs set it. */
  readonly septVeDisable?: boolean;
  // both
  /** SGX ATTRIBUTES.DEBUG (bit 1) / TD attribute DEBUG (TUD bit 0). Default false. */
  readonly debug?: boolean;
  /** The TCB status the sim collateral gives this platform. Default UpToDate. */
  readonly tcbStatus?: SimTcbOutcome;
  /** Explicit platform SVNs, overriding what `tcbStatus` picks: PCK TCB components and PCESVN... */
  readonly tcbComponents?: readonly number[];
  readonly pceSvn?: number;
  /** ...and for TDX the TD report's TEE_TCB_SVN (16 bytes). */
  readonly teeTcbSvn?: Uint8Array;
  /** Use a machine whose PCK certificate is on the sim PCK CRL. */
  readonly pckRevoked?: boolean;
}

export interface SimQuote {
  readonly quote: Uint8Array;
  readonly collateral: SimCollateral;
}

function bad(message: string, details: Record<string, unknown> = {}): never {
  throw new SimTeeError('InvalidSimRequest', message, details);
}

function bytesOf(
  value: Uint8Array | undefined,
  fallback: Uint8Array,
  size: number,
  name: string,
): Uint8Array {
  const bytes = value ?? fallback;
  if (!(bytes instanceof Uint8Array) || bytes.length !== size) {
    bad(`${name} must be ${size} bytes`, { field: name, length: (bytes as Uint8Array | undefined)?.length });
  }
  return bytes;
}

function u16Of(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff)
    bad(`${name} must be an integer in 0..65535`, { [name]: n });
  return n;
}

function littleEndian64(low32: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, low32 >>> 0, true);
  return out;
}

export function createSimQuote(pki: SimPki, req: SimQuoteRequest): SimQuote {
  if (req.tee !== 'sgx' && req.tee !== 'tdx') bad(`tee must be 'sgx' or 'tdx', got ${String(req.tee)}`);
  const tee: SimTee = req.tee;
  const reportData = bytesOf(req.reportData, new Uint8Array(0), 64, 'reportData');
  let platform: ReturnType<typeof platformTcbFor>;
  try {
    platform = platformTcbFor(tee, req.tcbStatus ?? 'UpToDate');
  } catch {
    bad(`unknown TCB status: ${String(req.tcbStatus)}`);
  }
  const tcbComponents = req.tcbComponents ?? platform.tcbComponents;
  if (tcbComponents.length !== 16 || tcbComponents.some((s) => !Number.isInteger(s) || s < 0 || s > 255)) {
    bad('tcbComponents must be 16 SVNs in 0..255');
  }
  const pceSvn = u16Of(req.pceSvn, platform.pceSvn, 'pceSvn');
  const machine = pki.machine({ tee, tcbComponents, pceSvn, pckRevoked: req.pckRevoked ?? false });
  const debug = req.debug ?? false;

  let header: Uint8Array;
  let body: Uint8Array;
  if (tee === 'sgx') {
    header = encodeQuoteHeader({
      version: 3,
      teeType: TEE_TYPE_SGX,
      qeSvn: SIM_QE_SVN.sgx,
      pceSvn,
      userData: machine.userData,
    });
    // ATTRIBUTES.FLAGS: INIT (bit 0), DEBUG (bit 1), MODE64BIT (bit 2) (SDM vol. 3D, SECS.ATTRIBUTES).
    const flags = 0x01 | 0x04 | (debug ? 0x02 : 0);
    body = encodeSgxReportBody({
      cpuSvn: Uint8Array.from(tcbComponents),
      miscSelect: 0,
      attributes: concatBytes(littleEndian64(flags), littleEndian64(SIM_DEFAULT_XFRM)),
      mrEnclave: bytesOf(req.mrEnclave, SIM_DEFAULT_MRENCLAVE, 32, 'mrEnclave'),
      mrSigner: bytesOf(req.mrSigner, SIM_DEFAULT_MRSIGNER, 32, 'mrSigner'),
      isvProdId: u16Of(req.isvProdId, SIM_DEFAULT_ISVPRODID, 'isvProdId'),
      isvSvn: u16Of(req.isvSvn, SIM_DEFAULT_ISVSVN, 'isvSvn'),
      reportData,
    });
  } else {
    header = encodeQuoteHeader({
      version: 4,
      teeType: TEE_TYPE_TDX,
      qeSvn: 0,
      pceSvn: 0,
      userData: machine.userData,
    });
    const rtmr = req.rtmr ?? SIM_DEFAULT_RTMR;
    if (rtmr.length !== 4) bad(`rtmr must hold 4 registers, got ${rtmr.length}`);
    // TDATTRIBUTES: DEBUG is bit 0 (TUD), SEPT_VE_DISABLE bit 28 (TDX module ABI, TDINFO_STRUCT).
    const tdAttributes = (debug ? 1 : 0) | ((req.septVeDisable ?? true) ? 1 << 28 : 0);
    body = encodeTdxReportBody({
      teeTcbSvn: bytesOf(req.teeTcbSvn, platform.teeTcbSvn ?? new Uint8Array(16), 16, 'teeTcbSvn'),
      mrSeam: bytesOf(req.mrSeam, SIM_DEFAULT_MRSEAM, 48, 'mrSeam'),
      mrSignerSeam: new Uint8Array(48),
      seamAttributes: new Uint8Array(8),
      tdAttributes: littleEndian64(tdAttributes),
      xfam: SIM_DEFAULT_XFAM,
      mrTd: bytesOf(req.mrTd, SIM_DEFAULT_MRTD, 48, 'mrTd'),
      mrConfigId: bytesOf(req.mrConfigId, new Uint8Array(48), 48, 'mrConfigId'),
      mrOwner: bytesOf(req.mrOwner, new Uint8Array(48), 48, 'mrOwner'),
      mrOwnerConfig: bytesOf(req.mrOwnerConfig, new Uint8Array(48), 48, 'mrOwnerConfig'),
      rtmr: rtmr.map((m, i) => bytesOf(m, new Uint8Array(0), 48, `rtmr[${i}]`)),
      reportData,
    });
  }
  // The attestation key signs the header and the report body (Quote Library API, A.4).
  const signed = concatBytes(header, body);
  const signature = signRaw(machine.attestationKey, signed);
  const quote = concatBytes(
    signed,
    encodeSignatureData(signature, machine.attestationKey.publicRaw, machine.qeTail),
  );
  return { quote, collateral: pki.collateral(tee) };
}
