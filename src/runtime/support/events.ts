// Module events: each module declares a SCALE codec per event name (in its types.ts, so that
// clients can decode them too); the runtime emits them as chain `Event`s tagged with the current
// phase into the current overlay, so a reverted call loses its events with its writes.
import { bytesToHex, toHex } from '../../codec/bytes.js';
import type { Event } from '../../codec/chain.js';
import { type Codec, decodeExact } from '../../codec/scale.js';
import type { Overlay } from './overlay.js';

export interface EventType<T> {
  readonly module: string;
  readonly name: string;
  emit(ctx: { readonly state: Overlay; readonly phase: number | undefined }, value: T): void;
  decode(data: Uint8Array): T;
}

export type EventTypes<T extends Record<string, unknown>> = { readonly [K in keyof T]: EventType<T[K]> };

export function defineEvents<T extends Record<string, unknown>>(
  module: string,
  codecs: { readonly [K in keyof T]: Codec<T[K]> },
): EventTypes<T> {
  const types: Record<string, EventType<unknown>> = {};
  for (const name of Object.keys(codecs)) {
    const codec = codecs[name as keyof T] as Codec<unknown>;
    const what = `${module}.${name} event`;
    types[name] = {
      module,
      name,
      emit: (ctx, value) => ctx.state.emit({ phase: ctx.phase, module, name, data: codec.enc(value) }),
      decode: (data) => decodeExact(codec, data, what),
    };
  }
  return types as EventTypes<T>;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** JSON-friendly form of decoded SCALE values: bigints as decimal strings, bytes as 0x-hex. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString(10);
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toJsonValue(inner);
    return out;
  }
  return String(value);
}

export interface DecodedEvent {
  module: string;
  name: string;
  phase: number | null;
  /** The event's fields; `{ raw: '0x..' }` for an event this runtime does not know or cannot decode. */
  data: { [key: string]: JsonValue };
}

export type EventDecoder = (event: Event) => DecodedEvent;

export function createEventDecoder(
  modules: readonly { name: string; events: Readonly<Record<string, EventType<unknown>>> }[],
): EventDecoder {
  const byModule = new Map(modules.map((module) => [module.name, module.events]));
  return (event) => {
    const base = { module: event.module, name: event.name, phase: event.phase ?? null };
    const type = byModule.get(event.module)?.[event.name];
    if (type) {
      try {
        const data = toJsonValue(type.decode(event.data));
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) return { ...base, data };
        return { ...base, data: { value: data } };
      } catch {
        // Fall through: an RPC answer must never throw on an event from another runtime version.
      }
    }
    return { ...base, data: { raw: `0x${bytesToHex(event.data)}` } };
  };
}
