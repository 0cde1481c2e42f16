// Intel's SGX extension of PCK certificates, OID 1.2.840.113741.1.13.1, encoded exactly as Intel's
// PCS issues it for the Processor CA ("SGX PCK Certificate and CRL Profile", section 1.3.5; the same
// layout as the PCK certificates inside the real quotes in ../shared/vectors): a SEQUENCE of
// (OID, value) pairs: PPID, TCB { comp01..comp16 SVN, PCESVN, CPUSVN }, PCE-ID, FMSPC, SGX Type.
import { derEnumerated, derInteger, derOctetString, derOid, derSequence } from './der.js';

export const SGX_EXTENSION_OID = '1.2.840.113741.1.13.1';

export interface SgxExtensionFields {
  readonly ppid: Uint8Array; // 16
  /** The 16 TCB component SVNs (comp01..comp16), each 0..255. */
  readonly tcbComponents: readonly number[];
  readonly pceSvn: number;
  readonly pceId: Uint8Array; // 2
  readonly fmspc: Uint8Array; // 6
  /** 0 = Standard (Processor CA), 1 = Scalable (Platform CA). */
  readonly sgxType: number;
}

function pair(oid: string, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), value);
}

/** The extension value (the bytes inside extnValue's OCTET STRING). */
export function encodeSgxExtension(fields: SgxExtensionFields): Uint8Array {
  if (fields.ppid.length !== 16) throw new RangeError('PPID must be 16 bytes');
  if (fields.pceId.length !== 2) throw new RangeError('PCE-ID must be 2 bytes');
  if (fields.fmspc.length !== 6) throw new RangeError('FMSPC must be 6 bytes');
  if (fields.tcbComponents.length !== 16 || fields.tcbComponents.some((s) => !(s >= 0 && s <= 255))) {
    throw new RangeError('TCB components must be 16 SVNs in 0..255');
  }
  const tcb = `${SGX_EXTENSION_OID}.2`;
  // CPUSVN carries the same 16 component SVNs as bytes, as in Intel's certificates.
  const cpuSvn = Uint8Array.from(fields.tcbComponents);
  return derSequence(
    pair(`${SGX_EXTENSION_OID}.1`, derOctetString(fields.ppid)),
    pair(
      tcb,
      derSequence(
        ...fields.tcbComponents.map((svn, i) => pair(`${tcb}.${i + 1}`, derInteger(svn))),
        pair(`${tcb}.17`, derInteger(fields.pceSvn)),
        pair(`${tcb}.18`, derOctetString(cpuSvn)),
      ),
    ),
    pair(`${SGX_EXTENSION_OID}.3`, derOctetString(fields.pceId)),
    pair(`${SGX_EXTENSION_OID}.4`, derOctetString(fields.fmspc)),
    pair(`${SGX_EXTENSION_OID}.5`, derEnumerated(fields.sgxType)),
  );
}
