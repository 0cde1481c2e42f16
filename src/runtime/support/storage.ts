// Typed storage items over the key-value state. A key is `utf8(module) / utf8(Item) /` followed by
// the SCALE encoding of the map key: readable prefixes, so that the node can list a map with a
// prefix scan of an ordered store, and RPC callers can compute keys without the runtime.
import { concatBytes, utf8 } from '../../codec/bytes.js';
import { type Codec, decodeExact } from '../../codec/scale.js';
import type { StateReader } from '../api.js';
import { registerConstantKey, type StateWriter } from './overlay.js';

const SLASH = 0x2f;

/** `utf8(module) 0x2f utf8(item) 0x2f`: the prefix of every key of a storage item. */
export function storagePrefix(module: string, item: string): Uint8Array {
  return concatBytes(utf8(module), Uint8Array.of(SLASH), utf8(item), Uint8Array.of(SLASH));
}

/** The full key of a map entry (or, with an empty `encodedKey`, of a storage value). */
export function storageKey(
  module: string,
  item: string,
  encodedKey: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return concatBytes(storagePrefix(module, item), encodedKey);
}

export interface StorageValue<T> {
  readonly key: Uint8Array;
  get(state: StateReader): T | undefined;
  has(state: StateReader): boolean;
  set(state: StateWriter, value: T): void;
  delete(state: StateWriter): void;
  /** Reads, applies `update`, and writes the result (deletes on `undefined`); returns it. */
  mutate(state: StateWriter, update: (value: T | undefined) => T | undefined): T | undefined;
}

export function storageValue<T>(module: string, item: string, codec: Codec<T>): StorageValue<T> {
  const key = storageKey(module, item);
  registerConstantKey(key);
  const what = `${module}.${item}`;
  const read = (state: StateReader): T | undefined => {
    const bytes = state.get(key);
    return bytes === undefined ? undefined : decodeExact(codec, bytes, what);
  };
  return {
    key,
    get: read,
    has: (state) => state.get(key) !== undefined,
    set: (state, value) => state.set(key, codec.enc(value)),
    delete: (state) => state.delete(key),
    mutate(state, update) {
      const next = update(read(state));
      if (next === undefined) state.delete(key);
      else state.set(key, codec.enc(next));
      return next;
    },
  };
}

export interface StorageMap<K, T> {
  readonly prefix: Uint8Array;
  keyOf(mapKey: K): Uint8Array;
  /** The map key of a full storage key under this map's prefix (for listings). */
  decodeKey(fullKey: Uint8Array): K;
  get(state: StateReader, mapKey: K): T | undefined;
  has(state: StateReader, mapKey: K): boolean;
  set(state: StateWriter, mapKey: K, value: T): void;
  delete(state: StateWriter, mapKey: K): void;
  mutate(state: StateWriter, mapKey: K, update: (value: T | undefined) => T | undefined): T | undefined;
  decodeValue(bytes: Uint8Array): T;
}

export function storageMap<K, T>(
  module: string,
  item: string,
  keyCodec: Codec<K>,
  valueCodec: Codec<T>,
): StorageMap<K, T> {
  const prefix = storagePrefix(module, item);
  const what = `${module}.${item}`;
  const keyOf = (mapKey: K): Uint8Array => concatBytes(prefix, keyCodec.enc(mapKey));
  const decodeValue = (bytes: Uint8Array): T => decodeExact(valueCodec, bytes, what);
  const read = (state: StateReader, mapKey: K): T | undefined => {
    const bytes = state.get(keyOf(mapKey));
    return bytes === undefined ? undefined : decodeValue(bytes);
  };
  return {
    prefix,
    keyOf,
    decodeValue,
    decodeKey(fullKey) {
      for (let i = 0; i < prefix.length; i++) {
        if (fullKey[i] !== prefix[i]) throw new RangeError(`key is not under ${what}`);
      }
      return decodeExact(keyCodec, fullKey.subarray(prefix.length), `${what} key`);
    },
    get: read,
    has: (state, mapKey) => state.get(keyOf(mapKey)) !== undefined,
    set: (state, mapKey, value) => state.set(keyOf(mapKey), valueCodec.enc(value)),
    delete: (state, mapKey) => state.delete(keyOf(mapKey)),
    mutate(state, mapKey, update) {
      const key = keyOf(mapKey);
      const bytes = state.get(key);
      const next = update(bytes === undefined ? undefined : decodeValue(bytes));
      if (next === undefined) state.delete(key);
      else state.set(key, valueCodec.enc(next));
      return next;
    },
  };
}
