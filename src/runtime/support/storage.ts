// Typed storage items over the key-value state, each declared once (a module's storage.ts) and used
// by every side: the runtime reads and writes through it, the worker computes the keys it asks proofs
// for and decodes what it is proven through the very same declaration, so no side spells a key.
// That is why this file is shareable (test/architecture.test.ts): it imports only codec and the
// runtime's api types, and so may every module's storage.ts.
//
// A key is `utf8(module) / utf8(Item) /` followed by the SCALE encoding of the map key: readable
// prefixes, so that the node can list a map with a prefix scan of an ordered store.
import { bytesToHex, concatBytes, utf8 } from '../../codec/bytes.js';
import { type Codec, decodeExact } from '../../codec/scale.js';
import type { StateReader } from '../api.js';

/** Writable state: the runtime's overlays (support/overlay.ts) implement it. */
export interface StateWriter extends StateReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

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

// Keys of storage values are the same array on every access; their hex, computed once here, saves
// the overlay (which keys its writes by hex) a conversion on the hottest reads (parameters, the
// treasury's neighbours) for one WeakMap probe. Kept here rather than in the overlay so that
// declaring an item needs nothing runtime-internal.
const constantKeyHexes = new WeakMap<Uint8Array, string>();

/** The hex of a storage value's key, remembered when the value was declared; undefined for any other array. */
export function constantKeyHex(key: Uint8Array): string | undefined {
  return constantKeyHexes.get(key);
}

/** What every storage item has: enough for a reader outside the runtime to decode a proven value. */
export interface StorageItem<T> {
  /** `module.Item`, as errors and logs name it. */
  readonly name: string;
  readonly valueCodec: Codec<T>;
  /** Decodes a stored value exactly (trailing bytes refused); throws CodecError naming the item. */
  decodeValue(bytes: Uint8Array): T;
}

export interface StorageValue<T> extends StorageItem<T> {
  readonly key: Uint8Array;
  get(state: StateReader): T | undefined;
  has(state: StateReader): boolean;
  set(state: StateWriter, value: T): void;
  delete(state: StateWriter): void;
  /** Reads, applies `update`, and writes the result (deletes on `undefined`); returns it. */
  mutate(state: StateWriter, update: (value: T | undefined) => T | undefined): T | undefined;
}

export function storageValue<T>(module: string, item: string, valueCodec: Codec<T>): StorageValue<T> {
  const key = storageKey(module, item);
  constantKeyHexes.set(key, bytesToHex(key));
  const name = `${module}.${item}`;
  const decodeValue = (bytes: Uint8Array): T => decodeExact(valueCodec, bytes, name);
  const read = (state: StateReader): T | undefined => {
    const bytes = state.get(key);
    return bytes === undefined ? undefined : decodeValue(bytes);
  };
  return {
    name,
    key,
    valueCodec,
    decodeValue,
    get: read,
    has: (state) => state.get(key) !== undefined,
    set: (state, value) => state.set(key, valueCodec.enc(value)),
    delete: (state) => state.delete(key),
    mutate(state, update) {
      const next = update(read(state));
      if (next === undefined) state.delete(key);
      else state.set(key, valueCodec.enc(next));
      return next;
    },
  };
}

export interface StorageMap<K, T> extends StorageItem<T> {
  readonly prefix: Uint8Array;
  readonly keyCodec: Codec<K>;
  keyOf(mapKey: K): Uint8Array;
  /** The map key of a full storage key under this map's prefix (for listings). */
  decodeKey(fullKey: Uint8Array): K;
  get(state: StateReader, mapKey: K): T | undefined;
  has(state: StateReader, mapKey: K): boolean;
  set(state: StateWriter, mapKey: K, value: T): void;
  delete(state: StateWriter, mapKey: K): void;
  mutate(state: StateWriter, mapKey: K, update: (value: T | undefined) => T | undefined): T | undefined;
}

export function storageMap<K, T>(
  module: string,
  item: string,
  keyCodec: Codec<K>,
  valueCodec: Codec<T>,
): StorageMap<K, T> {
  const prefix = storagePrefix(module, item);
  const name = `${module}.${item}`;
  const keyOf = (mapKey: K): Uint8Array => concatBytes(prefix, keyCodec.enc(mapKey));
  const decodeValue = (bytes: Uint8Array): T => decodeExact(valueCodec, bytes, name);
  const read = (state: StateReader, mapKey: K): T | undefined => {
    const bytes = state.get(keyOf(mapKey));
    return bytes === undefined ? undefined : decodeValue(bytes);
  };
  return {
    name,
    prefix,
    keyCodec,
    valueCodec,
    keyOf,
    decodeValue,
    decodeKey(fullKey) {
      for (let i = 0; i < prefix.length; i++) {
        if (fullKey[i] !== prefix[i]) throw new RangeError(`key is not under ${name}`);
      }
      return decodeExact(keyCodec, fullKey.subarray(prefix.length), `${name} key`);
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
