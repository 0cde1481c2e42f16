// Small byte helpers shared by every layer. Inputs from outside are checked where they enter
// (see `hexToBytes`), so the rest of the code can trust a Uint8Array is what it says.
import { CodecError } from './errors.js';

const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** `0x`-prefixed lowercase hex, the form used on the wire (JSON-RPC, CLI output). */
export function toHex(bytes: Uint8Array): string {
  return `0x${bytesToHex(bytes)}`;
}

/** Parses hex with or without `0x`; `length` (in bytes) is enforced when given. */
export function hexToBytes(hex: string, length?: number): Uint8Array {
  if (typeof hex !== 'string' || !HEX.test(hex)) {
    throw new CodecError('InvalidHex', `not a hex string: ${String(hex).slice(0, 80)}`);
  }
  const body = hex.startsWith('0x') ? hex.slice(2) : hex;
  const bytes = new Uint8Array(Buffer.from(body, 'hex'));
  if (length !== undefined && bytes.length !== length) {
    throw new CodecError('InvalidLength', `expected ${length} bytes, got ${bytes.length}`, {
      expected: length,
      actual: bytes.length,
    });
  }
  return bytes;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order, for sorting keys the same way on every node. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
