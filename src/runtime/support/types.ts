// Codecs shared by every module's types.ts. Like them, this file imports only src/codec, because
// clients import it to build calls and decode events.
import { CodecError } from '../../codec/errors.js';
import {
  type Codec,
  createCodec,
  enhanceCodec,
  PublicKey32,
  Struct,
  str,
  u8,
  u16,
  u128,
} from '../../codec/scale.js';

export const U128_MAX = (1n << 128n) - 1n;
export const U32_MAX = 0xffff_ffff;

/**
 * u128 that refuses, rather than wraps, a value out of range when encoding: scale-ts writes the low
 * 128 bits of whatever it is given, and a silently wrapped balance would mint or burn money.
 */
export const Balance: Codec<bigint> = createCodec((value: bigint) => {
  if (typeof value !== 'bigint' || value < 0n || value > U128_MAX) {
    throw new CodecError('OutOfRange', `balance out of u128 range: ${String(value)}`);
  }
  return u128.enc(value);
}, u128.dec);

/** An account is its ed25519 public key. */
export const AccountId = PublicKey32;

/** `{ module, error, code }` of a failed dispatch, as it appears in events. */
export const DispatchErrorCodec = Struct({ module: str, error: str, code: u16 });

/**
 * A closed set of names as one SCALE byte (its index in `names`). Lists are APPEND ONLY: the index
 * is in stored state and events.
 */
export function nameEnum<const T extends string>(what: string, names: readonly T[]): Codec<T> {
  return enhanceCodec(
    u8,
    (name: T) => {
      const index = names.indexOf(name);
      if (index < 0) throw new CodecError('InvalidEncoding', `unknown ${what}: ${String(name)}`, { name });
      return index;
    },
    (index: number) => {
      const name = names[index];
      if (name === undefined)
        throw new CodecError('InvalidEncoding', `unknown ${what} index: ${index}`, { index });
      return name;
    },
  );
}
