// SCALE (Parity's Simple Concatenated Aggregate Little-Endian) through `scale-ts`, plus the two
// things it leaves to us: decoding that must consume the whole input and fails with a typed error,
// and fixed-length byte codecs that refuse a wrong length instead of truncating it.
import { Bytes, type Codec, createCodec, createDecoder } from 'scale-ts';
import { CodecError } from './errors.js';

export * from 'scale-ts';

/** Decodes `bytes` as one `codec` value; trailing bytes, truncation or garbage are a CodecError. */
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
    if (cause instanceof CodecError) throw cause;
    throw new CodecError(
      'InvalidEncoding',
      `malformed SCALE ${what}: ${(cause as Error).message}`,
      { what },
      { cause },
    );
  }
}

const exactDecoders = new WeakMap<Codec<unknown>, (bytes: Uint8Array) => unknown>();

function exact<T>(codec: Codec<T>): (bytes: Uint8Array) => T {
  let decoder = exactDecoders.get(codec as Codec<unknown>);
  if (!decoder) {
    decoder = createDecoder((internal) => {
      const value = codec.dec(internal);
      // `i` is scale-ts's read cursor on its internal byte view.
      const consumed = (internal as unknown as { i: number }).i;
      if (consumed !== internal.length) {
        throw new CodecError('InvalidEncoding', `expected ${consumed} bytes, got ${internal.length}`, {
          consumed,
          length: internal.length,
        });
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
      const start = (internal as unknown as { i: number }).i;
      if (start + length > internal.length) {
        throw new CodecError('InvalidEncoding', `truncated: need ${length} bytes at offset ${start}`);
      }
      return inner.dec(internal);
    }),
  );
}

export const Hash32 = fixedBytes(32);
export const PublicKey32 = fixedBytes(32);
export const Signature64 = fixedBytes(64);
