// The node's embedded store (LMDB in `<dataDir>/chain`). One environment, several named databases:
//
//   blocks    u32 number -> SCALE Block less parent hash and number (storedBlock.ts)
//   numbers   u32 number -> block hash
//   hashes    first 8 bytes of a block hash -> u32 BE numbers (sorted duplicates)
//   events    u32 number -> SCALE Vec<Event>, for a block that has any
//   outcomes  u32 number -> SCALE outcomes, for a block that has any
//   state     storage key -> value (latest)       meta      'head', 'genesis' -> block hash; 'layout'
//   trieNodes, trieRoots, trieDeathRows, trieMeta: the state trie, by (version, hash), and what
//   pruning it needs (see createTrieNodeStore)
//
// A block and every one of its effects go in through `commitBlock`, ONE synchronous LMDB write
// transaction, so a crash (kill -9 included) leaves the store at the previous or the next block,
// never in between; that includes deleting the trie nodes that fell out of the pruning window. The
// flat `state` gives the runtime and listings fast reads of the latest state; the trie `nodes` give
// roots and proofs at the blocks whose state is kept (`keepsState`). The data dir is locked
// (lockDataDir) from open to close: one process per store.
//
// Blocks are kept forever, so what each one costs on disk is what the store grows by once the state
// is pruned. Keyed by number, blocks go in at the end of their B-tree and fill its pages (keyed by
// hash they landed at random places and left pages about 70% full). The one hash-keyed table, the
// `hashes` index, keys by a prefix of the hash: `numbers` holds the whole hash, which a lookup
// compares, so a prefix shared by two blocks (by chance or ground by an author) costs one more read,
// never a wrong block. An idle block has no events or outcomes, and an empty list is not written: a
// known block without an entry has none.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { type Block, type Event, EventCodec } from '../../codec/chain.js';
import { decodeExact, Vector } from '../../codec/scale.js';
import type { NodeStore, TrieUpdate } from '../../codec/trie/index.js';
import type { ExtrinsicOutcome, StateChanges, StateReader } from '../../runtime/api.js';
import { StoreError } from '../errors.js';
import { createTrieNodeStore, type WrittenTrieNodes } from './createTrieNodeStore.js';
import { type DataDirLock, lockDataDir } from './lockDataDir.js';
import { OutcomesCodec } from './outcomeCodec.js';
import { DEFAULT_STATE_PRUNING, type StatePruning } from './statePruning.js';
import { decodeStoredBlock, encodeStoredBlock } from './storedBlock.js';

/** LMDB's limit with the default page size; longer keys cannot be stored. */
export const MAX_STATE_KEY_LENGTH = 1978;

const EventsCodec = Vector(EventCodec);
const HEAD = 'head';
const GENESIS = 'genesis';
// Bumped when the on-disk layout changes; a data dir written with another layout is refused, not
// misread. 2: trie nodes keyed by (version, hash). 3: blocks, events and outcomes keyed by number.
const LAYOUT = 'layout';
const LAYOUT_VERSION = 3;
const HASH_LENGTH = 32;
const HASH_PREFIX_LENGTH = 8;

export interface BlockCommit {
  hash: Uint8Array;
  block: Block;
  events: Event[];
  outcomes: ExtrinsicOutcome[];
  changes: StateChanges;
  /** The block's trie update; its root must be the header's state root. */
  trie: Pick<TrieUpdate, 'root' | 'rootVersion' | 'nodes'>;
}

export interface ChainStore {
  /** Trie nodes by hash, for roots and proofs at any stored block. */
  readonly nodes: NodeStore;
  /** The flat state as of the head block. */
  readonly state: StateReader;
  genesisHash(): Uint8Array | undefined;
  headHash(): Uint8Array | undefined;
  getBlock(hash: Uint8Array): Block | undefined;
  getBlockHash(number: number): Uint8Array | undefined;
  getEvents(hash: Uint8Array): Event[] | undefined;
  getOutcomes(hash: Uint8Array): ExtrinsicOutcome[] | undefined;
  /** Latest-state entries with `prefix`, in key order, strictly after `startAfter` when given. */
  listState(
    prefix: Uint8Array,
    startAfter: Uint8Array | undefined,
    limit: number,
  ): { key: Uint8Array; value: Uint8Array }[];
  /** Writes a block and all its effects atomically and makes it the head. */
  commitBlock(commit: BlockCommit): void;
  /** Whether the state of block `number` can still be read and proven (see ChainStoreOptions). */
  keepsState(number: number): boolean;
  /** Stored trie node copies: flat once the pruning window is full. */
  trieEntryCount(): number;
  /** Closes LMDB and releases the data dir's lock. */
  close(): Promise<void>;
}

export interface ChainStoreOptions {
  /** The states to keep: the last N blocks' (default DEFAULT_STATE_PRUNING) or 'archive'. */
  statePruning?: StatePruning;
}

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The smallest key above every key that starts with `prefix`, or undefined if there is none. */
function prefixEnd(prefix: Uint8Array): Buffer | undefined {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

export function createChainStore(dataDir: string, options: ChainStoreOptions = {}): ChainStore {
  const path = join(dataDir, 'chain');
  let root: RootDatabase;
  try {
    mkdirSync(path, { recursive: true });
  } catch (cause) {
    throw new StoreError('StoreOpenFailed', `cannot create the chain store at ${path}`, { path }, { cause });
  }
  const lock: DataDirLock = lockDataDir(dataDir);
  try {
    root = open({ path, maxDbs: 12 });
  } catch (cause) {
    lock.release();
    throw new StoreError('StoreOpenFailed', `cannot open the chain store at ${path}`, { path }, { cause });
  }
  try {
    return openChainStore(root, path, options.statePruning ?? DEFAULT_STATE_PRUNING, lock);
  } catch (error) {
    // Released at once, so that the caller can retry (with other options) right away; this process
    // writes nothing more to the environment that is closing.
    lock.release();
    void root.close();
    throw error;
  }
}

function openChainStore(
  root: RootDatabase,
  path: string,
  statePruning: StatePruning,
  lock: DataDirLock,
): ChainStore {
  const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
  const meta: Database<Buffer, string> = root.openDB({ name: 'meta', encoding: 'binary' });
  const layout = meta.get(LAYOUT);
  // Checked before the other databases are opened: an older layout has some of the same names with
  // other key types, which LMDB refuses to reopen as integer-keyed.
  if (meta.get(HEAD) !== undefined && (layout === undefined || layout.readUInt32BE(0) !== LAYOUT_VERSION)) {
    throw new StoreError(
      'StoreLayoutMismatch',
      `the chain store at ${path} has layout ${layout === undefined ? 1 : layout.readUInt32BE(0)}, this node reads layout ${LAYOUT_VERSION}; start from an empty data dir`,
      { path, expected: LAYOUT_VERSION },
    );
  }
  const byNumber = { encoding: 'binary', keyEncoding: 'uint32' } as const;
  const blocks: Database<Buffer, number> = root.openDB({ name: 'blocks', ...byNumber });
  const numbers: Database<Buffer, number> = root.openDB({ name: 'numbers', ...byNumber });
  const hashes: Database<Buffer, Buffer> = root.openDB({ name: 'hashes', ...binary, dupSort: true });
  const events: Database<Buffer, number> = root.openDB({ name: 'events', ...byNumber });
  const outcomes: Database<Buffer, number> = root.openDB({ name: 'outcomes', ...byNumber });
  const state: Database<Buffer, Buffer> = root.openDB({ name: 'state', ...binary });
  const nodes = createTrieNodeStore(root, { pruning: statePruning });

  const key = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (db: Database<Buffer, Buffer>, k: Uint8Array): Uint8Array | undefined => {
    const value = db.get(key(k));
    return value === undefined ? undefined : view(value);
  };
  const numberOf = (hash: Uint8Array): number | undefined => {
    if (hash.length !== HASH_LENGTH) return undefined;
    for (const value of hashes.getValues(key(hash.subarray(0, HASH_PREFIX_LENGTH)))) {
      const number = value.readUInt32BE(0);
      const stored = numbers.get(number);
      if (stored !== undefined && equalBytes(view(stored), hash)) return number;
    }
    return undefined;
  };
  /** A known block's list from `db`, empty when it wrote none; undefined for an unknown block. */
  const readList = <T>(
    db: Database<Buffer, number>,
    hash: Uint8Array,
    decode: (bytes: Uint8Array) => T[],
  ) => {
    const number = numberOf(hash);
    if (number === undefined) return undefined;
    const value = db.get(number);
    return value === undefined ? [] : decode(view(value));
  };

  return {
    nodes: {
      get: (hash, version) => nodes.get(hash, version),
      rootVersion: (hash) => nodes.rootVersion(hash),
    },
    state: { get: (k) => (k.length === 0 || k.length > MAX_STATE_KEY_LENGTH ? undefined : read(state, k)) },

    genesisHash: () => {
      const value = meta.get(GENESIS);
      return value === undefined ? undefined : view(value);
    },
    headHash: () => {
      const value = meta.get(HEAD);
      return value === undefined ? undefined : view(value);
    },
    getBlock: (hash) => {
      const number = numberOf(hash);
      const value = number === undefined ? undefined : blocks.get(number);
      if (number === undefined || value === undefined) return undefined;
      const parentHash = number === 0 ? undefined : numbers.get(number - 1);
      if (number !== 0 && parentHash === undefined) {
        // Blocks are never deleted, so this is damage, not an unknown block.
        throw new StoreError('MissingBlockHash', `block ${number - 1}'s hash is missing from the store`, {
          number: number - 1,
        });
      }
      return decodeStoredBlock(view(value), number, parentHash && view(parentHash));
    },
    getBlockHash: (number) => {
      if (!Number.isInteger(number) || number < 0 || number > 0xffffffff) return undefined;
      const value = numbers.get(number);
      return value === undefined ? undefined : view(value);
    },
    getEvents: (hash) => readList(events, hash, (bytes) => decodeExact(EventsCodec, bytes, 'stored events')),
    getOutcomes: (hash) =>
      readList(outcomes, hash, (bytes) => decodeExact(OutcomesCodec, bytes, 'stored outcomes')),
    listState: (prefix, startAfter, limit) => {
      const out: { key: Uint8Array; value: Uint8Array }[] = [];
      if (limit <= 0) return out;
      const end = prefixEnd(prefix);
      // The range is half-open [start, end): start just after `startAfter` by appending a zero byte.
      let start: Buffer | undefined = prefix.length > 0 ? key(prefix) : undefined;
      if (startAfter !== undefined && (start === undefined || Buffer.compare(key(startAfter), start) >= 0)) {
        start = Buffer.concat([key(startAfter), Buffer.of(0)]);
      }
      const range = state.getRange({
        ...(start === undefined ? {} : { start }),
        ...(end === undefined ? {} : { end }),
        limit,
      });
      for (const entry of range) {
        out.push({ key: new Uint8Array(entry.key), value: new Uint8Array(entry.value) });
      }
      return out;
    },

    commitBlock: (commit) => {
      const { header } = commit.block;
      for (const { key: k } of commit.changes.values()) {
        if (k.length === 0 || k.length > MAX_STATE_KEY_LENGTH) {
          throw new StoreError(
            'StateKeyTooLong',
            `state key of ${k.length} bytes is outside 1..${MAX_STATE_KEY_LENGTH}`,
            { key: bytesToHex(k.subarray(0, 64)), length: k.length },
          );
        }
      }
      if (!equalBytes(commit.trie.root, header.stateRoot)) {
        throw new StoreError(
          'StateRootMismatch',
          `block ${header.number}'s trie update does not give its state root`,
          {
            number: header.number,
            stateRoot: bytesToHex(header.stateRoot),
            trieRoot: bytesToHex(commit.trie.root),
          },
        );
      }
      let written: WrittenTrieNodes | undefined;
      root.transactionSync(() => {
        // Re-checked inside the transaction: only the head's child may be committed. Its number is
        // checked too, since blocks are stored by number: a wrong one would overwrite another block.
        const head = meta.get(HEAD);
        const headNumber = head === undefined ? undefined : numberOf(view(head));
        if (
          head === undefined
            ? header.number !== 0
            : !equalBytes(view(head), header.parentHash) || headNumber !== header.number - 1
        ) {
          throw new StoreError('NotOnHead', `block ${header.number} does not extend the stored head`, {
            number: header.number,
            head: head === undefined ? null : bytesToHex(head),
          });
        }
        const hash = key(commit.hash);
        written = nodes.write(header.number, commit.trie);
        for (const { key: k, value } of commit.changes.values()) {
          if (value === null) state.removeSync(key(k));
          else state.putSync(key(k), key(value));
        }
        // Numbers only grow (checked above), so these tables are appended to: LMDB then fills each
        // page instead of splitting it in half, which halves what kept blocks take on disk.
        const append = { append: true };
        blocks.putSync(header.number, key(encodeStoredBlock(commit.block)), append);
        if (commit.events.length > 0) {
          events.putSync(header.number, key(EventsCodec.enc(commit.events)), append);
        }
        if (commit.outcomes.length > 0) {
          outcomes.putSync(header.number, key(OutcomesCodec.enc(commit.outcomes)), append);
        }
        numbers.putSync(header.number, hash, append);
        const number = Buffer.allocUnsafe(4);
        number.writeUInt32BE(header.number, 0);
        hashes.putSync(hash.subarray(0, HASH_PREFIX_LENGTH), number);
        if (header.number === 0) {
          meta.putSync(GENESIS, hash);
          const layoutBytes = Buffer.alloc(4);
          layoutBytes.writeUInt32BE(LAYOUT_VERSION, 0);
          meta.putSync(LAYOUT, layoutBytes);
        }
        meta.putSync(HEAD, hash);
      });
      if (written !== undefined) nodes.remember(written);
    },

    keepsState: (number) => nodes.keepsState(number),
    trieEntryCount: () => nodes.entryCount(),

    close: () => root.close().finally(() => lock.release()),
  };
}
