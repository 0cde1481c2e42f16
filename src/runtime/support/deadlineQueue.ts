// Deadlines kept in buckets keyed by the slot they fall due in (a block number, or a time slot), so
// that a block processes only the buckets that have fallen due and never visits every entry
// (DESIGN.md section 7: "a block only opens the bucket that falls due"). Attestation expiry and the
// liveness module's challenge deadlines both use it.
//
// Layout under `module/Item…/`:
//   Item/(slot u64, index u32) -> entry        the bucket of `slot`, as a dense array
//   ItemLength/(slot u64)      -> u32          how many entries the bucket has had appended
//   ItemCursor                 -> { next, index, started, pending }
// `next` is the first slot not yet drained and `index` the first entry in it not yet taken;
// `started` turns true at the first `takeDue` (before it, `next` is only the earliest slot scheduled);
// `pending` counts the entries scheduled and not yet taken. An empty queue is left alone by
// `takeDue` (no write per block for a queue with nothing in it: every block's writes are new trie
// nodes), and its next `schedule` restarts the cursor at that entry's slot, since nothing below it
// is waiting. Entries
// are never moved or deleted out of order: cancelling a deadline is the consumer's business (it
// re-checks each taken entry against its own state and ignores the stale ones), which keeps
// scheduling and cancelling O(1).
import { bool, type Codec, Struct, u32, u64 } from '../../codec/scale.js';
import type { StateReader } from '../api.js';
import { type StateWriter, storageMap, storageValue } from './storage.js';

const SlotIndex = Struct({ slot: u64, index: u32 });
const Cursor = Struct({ next: u64, index: u32, started: bool, pending: u32 });

/** Empty slots a take may pass before it writes the cursor (see `takeDue`). */
const LAZY_SLOTS = 16n;

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
      if (at === undefined || at.pending === 0) {
        // Empty: nothing waits below this slot, so the cursor restarts here, as before a first take.
        cursor.set(state, { next: slot, index: 0, started: false, pending: 1 });
      } else if (!at.started) {
        // Before the first take `next` is only the earliest slot scheduled.
        let earliest = at.next;
        if (slot < earliest) earliest = slot;
        cursor.set(state, { ...at, next: earliest, pending: at.pending + 1 });
      } else {
        if (slot < at.next) due = at.next;
        cursor.set(state, { ...at, pending: at.pending + 1 });
      }
      const length = lengths.get(state, due) ?? 0;
      entries.set(state, { slot: due, index: length }, value);
      lengths.set(state, due, length + 1);
    },

    takeDue(state, upTo, budget) {
      const at = cursor.get(state);
      // Nothing waits, or nothing is due yet: no work and no write.
      if (at === undefined || at.pending === 0 || (!at.started && at.next > upTo)) return [];
      let { next, index, pending } = at;
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
          pending -= 1;
          work += 1;
        }
        if (index < length) break;
        if (length > 0) lengths.delete(state, next);
        next += 1n;
        index = 0;
      }
      // Passing empty slots alone is written only every LAZY_SLOTS slots, or when the budget ran out
      // (so the walk always gets further): the next take walks them again (a read each) rather than
      // every block writing the cursor anew (new trie nodes).
      const stale = next - at.next >= LAZY_SLOTS || work >= budget;
      if (pending !== at.pending || index !== at.index || !at.started || stale)
        cursor.set(state, { next, index, started: true, pending });
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
