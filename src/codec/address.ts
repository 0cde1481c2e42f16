// Human-readable account addresses: bech32m (BIP-350) of the 32-byte ed25519 public key with the
// prefix `phx`. bech32m's checksum catches any single typo and most transpositions, and the
// charset avoids look-alike characters.
import { bech32m } from '@scure/base';
import { CodecError } from './errors.js';

export const ADDRESS_PREFIX = 'phx';

export function encodeAddress(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new CodecError('InvalidKey', 'an address encodes a 32-byte public key');
  return bech32m.encode(ADDRESS_PREFIX, bech32m.toWords(publicKey));
}

export function decodeAddress(address: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(address as `${string}1${string}`);
  } catch (cause) {
    throw new CodecError(
      'InvalidAddress',
      `not a valid address (bad checksum or characters): ${address}`,
      {},
      { cause },
    );
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw new CodecError(
      'InvalidAddress',
      `address prefix must be "${ADDRESS_PREFIX}", got "${decoded.prefix}"`,
    );
  }
  const bytes = bech32m.fromWords(decoded.words);
  if (bytes.length !== 32)
    throw new CodecError('InvalidAddress', `address holds ${bytes.length} bytes, not 32`);
  return bytes;
}

export function isAddress(text: string): boolean {
  try {
    decodeAddress(text);
    return true;
  } catch {
    return false;
  }
}
