// Layered writes over the parent block's state (STYLE.md, ethereumjs anchor: per-transaction commit
// and revert). The block has one overlay over the parent state; each extrinsic's call (and each call
// dispatched by `governance.sudo`) runs in a child overlay that is either committed into its parent
// or dropped, taking its writes AND its events with it. Keys are looked up by their hex, computed
// once per access and passed down the layers.
import { equalBytes } from '../../codec/bytes.js';
import type { Event } from '../../codec/chain.js';
import type { StateChanges, StateReader } from '../api.js';
import { constantKeyHex, type StateWriter } from './storage.js';

// StateWriter is declared beside the storage items that write through it (storage.ts, shareable);
// named here too because an overlay is what the runtime hands them.
export type { StateWriter };

type Entry = { key: Uint8Array; value: Uint8Array | null };

export function keyToHex(key: Uint8Array): string {
  return constantKeyHex(key) ?? Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

export class Overlay implements StateWriter {
  readonly #parent: Overlay | StateReader;
  readonly #writes = new Map<string, Entry>();
  readonly #events: Event[] = [];
  #closed = false;

  constructor(parent: Overlay | StateReader) {
    this.#parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#getHex(keyToHex(key), key);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  #getHex(hex: string, key: Uint8Array): Uint8Array | undefined {
    const entry = this.#writes.get(hex);
    if (entry) return entry.value ?? undefined;
    const parent = this.#parent;
    return parent instanceof Overlay ? parent.#getHex(hex, key) : parent.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#assertOpen();
    this.#writes.set(keyToHex(key), { key, value });
  }

  delete(key: Uint8Array): void {
    this.#assertOpen();
    this.#writes.set(keyToHex(key), { key, value: null });
  }

  emit(event: Event): void {
    this.#assertOpen();
    this.#events.push(event);
  }

  /** Events emitted in this layer (and committed children), in order. */
  get events(): readonly Event[] {
    return this.#events;
  }

  /** A nested layer: reads see this layer's writes; its writes reach this layer only on `commit`. */
  child(): Overlay {
    this.#assertOpen();
    return new Overlay(this);
  }

  /** Moves this layer's writes and events into its parent overlay and closes this layer. */
  commit(): void {
    this.#assertOpen();
    const parent = this.#parent;
    if (!(parent instanceof Overlay)) throw new Error('commit: the bottom overlay has no parent overlay');
    for (const [hex, entry] of this.#writes) parent.#writes.set(hex, entry);
    for (const event of this.#events) parent.#events.push(event);
    this.#closed = true;
  }

  /** Drops this layer's writes and events. */
  discard(): void {
    this.#closed = true;
  }

  /**
   * The writes of this layer that differ from the state below it, in write order. Writes that
   * restore the parent's value (or delete an absent key) are left out so that the node does not
   * touch its tree for nothing.
   */
  changes(): StateChanges {
    const changes: StateChanges = new Map();
    for (const [hex, entry] of this.#writes) {
      const before = this.#parent.get(entry.key);
      if (
        entry.value === null ? before === undefined : before !== undefined && equalBytes(before, entry.value)
      ) {
        continue;
      }
      changes.set(hex, entry);
    }
    return changes;
  }

  #assertOpen(): void {
    // A write to a closed layer would vanish silently: that is a runtime bug, so it fails loudly.
    if (this.#closed) throw new Error('overlay used after commit or discard');
  }
}

/** A reader over an in-memory map keyed by hex (tests, genesis). */
export function createMapReader(entries: ReadonlyMap<string, Uint8Array>): StateReader {
  return { get: (key) => entries.get(keyToHex(key)) };
}

export const EMPTY_STATE: StateReader = { get: () => undefined };
