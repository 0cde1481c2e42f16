// SCALE (Parity's Simple Concatenated Aggregate Little-Endian) through `scale-ts`, plus the two
// things it leaves to us: decoding that must consume the whole input and fails with a typed error,
// and fixed-length byte codecs that refuse a wrong length instead of truncating it.
import { Bytes, type Codec, createCodec, createDecoder } from 'scale-ts';
import { CodecError } from './errors.js';

export * from 'scale-ts';

/**
 * Decodes `bytes` as one `codec` value; trailing bytes, truncation or garbage are a CodecError whose
 * message names `what` and the byte where decoding failed (never scale-ts's own DataView errors).
 */
export function decodeExact<T>(codec: Codec<T>, bytes: Uint8Array, what = 'value'): T {
  // scale-ts reads from `bytes.buffer` from offset 0, so a view into a larger buffer is copied.
  const input =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes
      : // Uint8Array's slice, not Buffer's: on a Buffer, `slice` is another view into the same pool.
        Uint8Array.prototype.slice.call(bytes);
  try {
    return exact(codec)(input);
  } catch (cause) {
    const inner = cause instanceof CodecError ? cause : undefined;
    throw new CodecError(
      inner?.code ?? 'InvalidEncoding',
      `malformed SCALE ${what}: ${inner?.message ?? (cause as Error).message}`,
      { ...inner?.details, what },
      { cause },
    );
  }
}

const exactDecoders = new WeakMap<Codec<unknown>, (bytes: Uint8Array) => unknown>();

/** scale-ts's input: the bytes plus its read cursor `i`. */
type InternalInput = Uint8Array & { i: number };

function endOfInput(at: number, length: number, fieldLength?: number): CodecError {
  const field = fieldLength === undefined ? 'field' : `${fieldLength}-byte field`;
  return new CodecError(
    'InvalidEncoding',
    at >= length
      ? `unexpected end of input at byte ${length}${fieldLength === undefined ? '' : ` (a ${field})`}`
      : `unexpected end of input: the ${field} at byte ${at} runs past the end (byte ${length})`,
    { at, length },
  );
}

/**
 * What a scale-ts failure means for the user. It reads past the end with DataView, which throws
 * RangeError; a compact length of 2^30 or more is a bigint it then mixes with numbers (TypeError).
 */
function describeFailure(error: unknown, input: InternalInput): unknown {
  if (error instanceof CodecError) return error;
  if (error instanceof RangeError) return endOfInput(input.i, input.length);
  if (error instanceof TypeError && /BigInt/.test(error.message)) {
    return new CodecError('InvalidEncoding', `a length before byte ${input.i} is larger than the input`, {
      at: input.i,
      length: input.length,
    });
  }
  return error;
}

function exact<T>(codec: Codec<T>): (bytes: Uint8Array) => T {
  let decoder = exactDecoders.get(codec as Codec<unknown>);
  if (!decoder) {
    decoder = createDecoder((internal) => {
      const input = internal as unknown as InternalInput;
      let value: T;
      try {
        value = codec.dec(internal);
      } catch (error) {
        throw describeFailure(error, input);
      }
      // A byte-string length past the end is not caught by scale-ts: it copies what there is and
      // moves the cursor beyond the input.
      if (input.i > input.length) {
        throw new CodecError(
          'InvalidEncoding',
          `unexpected end of input: a length prefix runs to byte ${input.i}, the input ends at byte ${input.length}`,
          { at: input.i, length: input.length },
        );
      }
      if (input.i < input.length) {
        throw new CodecError(
          'InvalidEncoding',
          `${input.length - input.i} trailing bytes after byte ${input.i}`,
          { consumed: input.i, length: input.length },
        );
      }
      return value;
    });
    exactDecoders.set(codec as Codec<unknown>, decoder);
  }
  return decoder as (bytes: Uint8Array) => T;
}

/** `[u8; n]` that throws on a wrong length when encoding and on truncation when decoding. */
export function fixedBytes(length: number): Codec<Uint8Array> {
  const inner = Bytes(length);
  return createCodec(
    (value: Uint8Array) => {
      if (!(value instanceof Uint8Array) || value.length !== length) {
        throw new CodecError('InvalidLength', `expected ${length} bytes, got ${value?.length}`);
      }
      return value;
    },
    createDecoder((internal) => {
      const start = (internal as unknown as InternalInput).i;
      if (start + length > internal.length) {
        throw endOfInput(start, internal.length, length);
      }
      return inner.dec(internal);
    }),
  );
}

export const Hash32 = fixedBytes(32);
export const PublicKey32 = fixedBytes(32);
export const Signature64 = fixedBytes(64);
