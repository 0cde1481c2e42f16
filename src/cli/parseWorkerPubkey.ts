// A worker named on the command line by its identity key: 0x-hex, or the phx1... form of the same
// 32 bytes (what `query workers` prints either way).
import { decodeAddress } from '../codec/address.js';
import { hexToBytes } from '../codec/bytes.js';
import { UsageError } from './commands/cliSupport.js';

export function parseWorkerPubkey(text: string): Uint8Array {
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return hexToBytes(text);
  if (text.startsWith('phx1')) return decodeAddress(text);
  throw new UsageError(`expected a worker pubkey (0x + 64 hex digits, or phx1...), got "${text}"`);
}
