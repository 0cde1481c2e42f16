// Intel's SGX extension in PCK certificates, OID 1.2.840.113741.1.13.1 (Intel SGX PCK Certificate and
// CRL Profile, section 1.5 "SGX Extensions"): PPID, TCB (16 component SVNs, PCESVN, CPUSVN), PCE-ID,
// FMSPC and SGX type. Platform CA certificates add PlatformInstanceID and Configuration, which are
// read past. Every required field must occur exactly once with its exact size.
import { AttestationError } from '../errors.js';
import type { ParsedCertificate } from './parseCertificate.js';
import { type DerElement, decodeOid, readDerChildren, readDerTop } from './readDer.js';

export const SGX_EXTENSION_OID = '1.2.840.113741.1.13.1';

export interface SgxExtensions {
  readonly ppid: Uint8Array; // 16
  /** The 16 SGX TCB component SVNs (sgxtcbcomp01svn..16). */
  readonly tcbComponents: readonly number[];
  readonly pceSvn: number;
  readonly cpuSvn: Uint8Array; // 16
  readonly pceId: Uint8Array; // 2
  readonly fmspc: Uint8Array; // 6
  /** 0 Standard, 1 Scalable (Intel profile, "SGX Type"). */
  readonly sgxType: number;
}

const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_ENUMERATED = 0x0a;
const TAG_SEQUENCE = 0x30;

export function parseSgxExtensions(cert: ParsedCertificate): SgxExtensions {
  const extension = cert.extensions.find((e) => e.oid === SGX_EXTENSION_OID);
  if (extension === undefined) fail('PCK certificate has no SGX extension');
  const top = readDerTop(extension!.value, 'PckExtensionInvalid', 'SGX extension');
  const fields = entries(top, SGX_EXTENSION_OID);
  const tcb = readDerChildren(required(fields, '2', TAG_SEQUENCE), 'PckExtensionInvalid', 'SGX TCB');
  const tcbFields = new Map<string, DerElement>();
  for (const entry of tcb) {
    const [oid, value] = pair(entry);
    const arc = subArc(oid, `${SGX_EXTENSION_OID}.2`);
    if (arc === undefined || tcbFields.has(arc)) fail(`unexpected or repeated TCB field ${oid}`);
    tcbFields.set(arc, value);
  }
  const tcbComponents: number[] = [];
  for (let i = 1; i <= 16; i++) tcbComponents.push(integer(required(tcbFields, String(i), TAG_INTEGER), 255));
  return {
    ppid: octets(required(fields, '1', TAG_OCTET_STRING), 16, 'PPID'),
    tcbComponents,
    pceSvn: integer(required(tcbFields, '17', TAG_INTEGER), 0xffff),
    cpuSvn: octets(required(tcbFields, '18', TAG_OCTET_STRING), 16, 'CPUSVN'),
    pceId: octets(required(fields, '3', TAG_OCTET_STRING), 2, 'PCE-ID'),
    fmspc: octets(required(fields, '4', TAG_OCTET_STRING), 6, 'FMSPC'),
    sgxType: integer(required(fields, '5', TAG_ENUMERATED), 255),
  };
}

function fail(message: string): never {
  throw new AttestationError('PckExtensionInvalid', message, {});
}

/** SEQUENCE OF SEQUENCE { OID, value } keyed by the OID's last arc under `prefix`. */
function entries(sequence: DerElement, prefix: string): Map<string, DerElement> {
  if (sequence.tag !== TAG_SEQUENCE) fail('SGX extension is not a SEQUENCE');
  const out = new Map<string, DerElement>();
  for (const entry of readDerChildren(sequence, 'PckExtensionInvalid', 'SGX extension')) {
    const [oid, value] = pair(entry);
    const arc = subArc(oid, prefix);
    if (arc === undefined) fail(`unexpected SGX extension field ${oid}`);
    if (out.has(arc)) fail(`repeated SGX extension field ${oid}`);
    out.set(arc, value);
  }
  return out;
}

function pair(entry: DerElement): [string, DerElement] {
  if (entry.tag !== TAG_SEQUENCE) fail('SGX extension entry is not a SEQUENCE');
  const parts = readDerChildren(entry, 'PckExtensionInvalid', 'SGX extension entry');
  const [oid, value] = parts;
  if (parts.length !== 2 || oid === undefined || value === undefined || oid.tag !== TAG_OID) {
    fail('SGX extension entry is not { OID, value }');
  }
  return [decodeOid(oid.value, 'PckExtensionInvalid', 'SGX extension'), value];
}

/** The one arc after `prefix`, or undefined when `oid` is not directly under it. */
function subArc(oid: string, prefix: string): string | undefined {
  if (!oid.startsWith(`${prefix}.`)) return undefined;
  const rest = oid.slice(prefix.length + 1);
  return /^\d+$/.test(rest) ? rest : undefined;
}

function required(fields: Map<string, DerElement>, arc: string, tag: number): DerElement {
  const value = fields.get(arc);
  if (value === undefined) fail(`SGX extension field .${arc} is missing`);
  if (value.tag !== tag) fail(`SGX extension field .${arc} has tag ${value.tag}, expected ${tag}`);
  return value;
}

function octets(value: DerElement, length: number, what: string): Uint8Array {
  if (value.value.length !== length) fail(`${what} is ${value.value.length} bytes, expected ${length}`);
  return value.value.slice();
}

function integer(value: DerElement, max: number): number {
  const bytes = value.value;
  if (bytes.length === 0 || bytes.length > 4 || (bytes[0]! & 0x80) !== 0)
    fail('SGX extension integer out of range');
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  if (n > max) fail(`SGX extension integer ${n} above ${max}`);
  return n;
}
