// The measurements a sim quote carries unless the request names others. They are fixed constants
// (not derived from the PKI seed) so that a development genesis can allowlist them by name. Each is
// a hash of a label saying what it is, so no real enclave or TD can have them by accident.
import { createHash } from 'node:crypto';

function labelled(label: string, size: 32 | 48): Uint8Array {
  const algorithm = size === 32 ? 'sha256' : 'sha384';
  return new Uint8Array(createHash(algorithm).update(`Phalanx SIM insecure ${label}`).digest());
}

export const SIM_DEFAULT_MRENCLAVE = labelled('worker MRENCLAVE', 32);
export const SIM_DEFAULT_MRSIGNER = labelled('worker MRSIGNER', 32);
export const SIM_DEFAULT_ISVPRODID = 1;
export const SIM_DEFAULT_ISVSVN = 1;
export const SIM_DEFAULT_MRTD = labelled('worker MRTD', 48);
export const SIM_DEFAULT_RTMR: readonly Uint8Array[] = [0, 1, 2, 3].map((i) =>
  labelled(`worker RTMR${i}`, 48),
);
/** The sim TDX module's measurement; its signer is all zero, as Intel's TDX module's is. */
export const SIM_DEFAULT_MRSEAM = labelled('TDX module MRSEAM', 48);
/** The sim quoting enclaves' identity (checked against the sim QE identity collateral). */
export const SIM_QE_MRSIGNER = labelled('quoting enclave MRSIGNER', 32);
export const SIM_QE_MRENCLAVE = {
  sgx: labelled('SGX QE MRENCLAVE', 32),
  tdx: labelled('TD QE MRENCLAVE', 32),
};
/** XFAM of the sim TD (x87, SSE, AVX, AVX-512, PK, ...), the value real TDs in the vectors carry. */
export const SIM_DEFAULT_XFAM = Uint8Array.from(Buffer.from('e702060000000000', 'hex'));
/** SGX enclave XFRM (x87, SSE, AVX, AVX-512 state). */
export const SIM_DEFAULT_XFRM = 0xe7;
