// Deadlines kept in buckets keyed by the slot they fall due in (a block number, or a time slot), so
// that a block processes only the buckets that have fallen due and never visits every entry
// (DESIGN.md section 7: "a block only opens the bucket that falls due"). Attestation expiry and the
// liveness module's challenge deadlines both use it.
//
// Layout under `module/Item…/`:
//   Item/(slot u64, index u32) -> entry        the bucket of `slot`, as a dense array
//   ItemLength/(slot u64)      -> u32          how many entries the bucket has had appended
//   ItemCursor                 -> { next, index, started }
// `next` is the first slot not yet drained and `index` the first entry in it not yet taken;
// `started` turns true at the first `takeDue` (before it, `next` is only the earliest slot scheduled). Entries
// are never moved or deleted out of order: cancelling a deadline is the consumer's business (it
// re-checks each taken entry against its own state and ignores the stale ones), which keeps
// scheduling and cancelling O(1).
import { bool, type Codec, Struct, u32, u64 } from '../../codec/scale.js';
import type { StateReader } from '../api.js';
import { type StateWriter, storageMap, storageValue } from './storage.js';

const SlotIndex = Struct({ slot: u64, index: u32 });
const Cursor = Struct({ next: u64, index: u32, started: bool });

export interface DeadlineQueue<T> {
  /**
   * Adds `entry` to the bucket of `slot`. A slot that has already been drained is moved to the next
   * one the queue will open, so an overdue entry is taken by the next `takeDue`, never lost.
   */
  schedule(state: StateWriter, slot: bigint, entry: T): void;
  /**
   * Takes the entries of every bucket up to and including `upTo`, oldest slot first, stopping after
   * `budget` units of work (one unit per entry taken and per bucket opened); what is left stays for
   * the next call (carry-over). Taken entries are deleted.
   */
  takeDue(state: StateWriter, upTo: bigint, budget: number): T[];
  /** Entries scheduled in `slot` and not yet taken (for queries and tests). */
  pending(state: StateReader, slot: bigint): T[];
}

export function createDeadlineQueue<T>(module: string, item: string, entry: Codec<T>): DeadlineQueue<T> {
  const entries = storageMap(module, item, SlotIndex, entry);
  const lengths = storageMap(module, `${item}Length`, u64, u32);
  const cursor = storageValue(module, `${item}Cursor`, Cursor);

  return {
    schedule(state, slot, value) {
      const at = cursor.get(state);
      let due = slot;
      if (at === undefined) cursor.set(state, { next: slot, index: 0, started: false });
      else if (!at.started && slot < at.next) cursor.set(state, { ...at, next: slot });
      else if (at.started && slot < at.next) due = at.next;
      const length = lengths.get(state, due) ?? 0;
      entries.set(state, { slot: due, index: length }, value);
      lengths.set(state, due, length + 1);
    },

    takeDue(state, upTo, budget) {
      const at = cursor.get(state);
      // Nothing was ever scheduled: start draining after `upTo`, so later entries are never early.
      if (at === undefined) {
        cursor.set(state, { next: upTo + 1n, index: 0, started: true });
        return [];
      }
      let { next, index } = at;
      // Before the first call `next` is the earliest scheduled slot; from then on every slot below
      // `next` has been drained, which is what lets `schedule` treat an earlier slot as overdue.
      if (next > upTo + 1n) next = upTo + 1n;
      const taken: T[] = [];
      let work = 0;
      while (next <= upTo && work < budget) {
        const length = lengths.get(state, next) ?? 0;
        work += 1;
        while (index < length && work < budget) {
          const key = { slot: next, index };
          const value = entries.get(state, key);
          // Present by construction: entries below `length` are deleted only when taken.
          if (value !== undefined) taken.push(value);
          entries.delete(state, key);
          index += 1;
          work += 1;
        }
        if (index < length) break;
        lengths.delete(state, next);
        next += 1n;
        index = 0;
      }
      // An idle block leaves the cursor as it was rather than rewriting it (no state churn).
      if (next !== at.next || index !== at.index || !at.started)
        cursor.set(state, { next, index, started: true });
      return taken;
    },

    pending(state, slot) {
      const at = cursor.get(state);
      const length = lengths.get(state, slot) ?? 0;
      const from = at !== undefined && at.next === slot ? at.index : 0;
      const out: T[] = [];
      for (let index = from; index < length; index++) {
        const value = entries.get(state, { slot, index });
        if (value !== undefined) out.push(value);
      }
      return out;
    },
  };
}
