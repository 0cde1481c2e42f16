// The node's embedded store (LMDB in `<dataDir>/chain`). One environment, several named databases:
//
//   blocks    block hash -> SCALE Block           events    block hash -> SCALE Vec<Event>
//   numbers   u32 number -> block hash            outcomes  block hash -> SCALE outcomes
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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { type Block, BlockCodec, type Event, EventCodec } from '../../codec/chain.js';
import { decodeExact, Vector } from '../../codec/scale.js';
import type { NodeStore, TrieUpdate } from '../../codec/trie/index.js';
import type { ExtrinsicOutcome, StateChanges, StateReader } from '../../runtime/api.js';
import { StoreError } from '../errors.js';
import { createTrieNodeStore, type WrittenTrieNodes } from './createTrieNodeStore.js';
import { type DataDirLock, lockDataDir } from './lockDataDir.js';
import { OutcomesCodec } from './outcomeCodec.js';
import { DEFAULT_STATE_PRUNING, type StatePruning } from './statePruning.js';

/** LMDB's limit with the default page size; longer keys cannot be stored. */
export const MAX_STATE_KEY_LENGTH = 1978;

const EventsCodec = Vector(EventCodec);
const HEAD = 'head';
const GENESIS = 'genesis';
// Bumped when the on-disk layout changes; a data dir written with another layout is refused, not
// misread. 2: trie nodes keyed by (version, hash).
const LAYOUT = 'layout';
const LAYOUT_VERSION = 2;

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
  const blocks: Database<Buffer, Buffer> = root.openDB({ name: 'blocks', ...binary });
  const numbers: Database<Buffer, number> = root.openDB({
    name: 'numbers',
    encoding: 'binary',
    keyEncoding: 'uint32',
  });
  const events: Database<Buffer, Buffer> = root.openDB({ name: 'events', ...binary });
  const outcomes: Database<Buffer, Buffer> = root.openDB({ name: 'outcomes', ...binary });
  const state: Database<Buffer, Buffer> = root.openDB({ name: 'state', ...binary });
  const meta: Database<Buffer, string> = root.openDB({ name: 'meta', encoding: 'binary' });
  const layout = meta.get(LAYOUT);
  if (meta.get(HEAD) !== undefined && (layout === undefined || layout.readUInt32BE(0) !== LAYOUT_VERSION)) {
    throw new StoreError(
      'StoreLayoutMismatch',
      `the chain store at ${path} has layout ${layout === undefined ? 1 : layout.readUInt32BE(0)}, this node reads layout ${LAYOUT_VERSION}; start from an empty data dir`,
      { path, expected: LAYOUT_VERSION },
    );
  }
  const nodes = createTrieNodeStore(root, { pruning: statePruning });

  const key = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (db: Database<Buffer, Buffer>, k: Uint8Array): Uint8Array | undefined => {
    const value = db.get(key(k));
    return value === undefined ? undefined : view(value);
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
      const bytes = read(blocks, hash);
      return bytes === undefined ? undefined : decodeExact(BlockCodec, bytes, 'stored block');
    },
    getBlockHash: (number) => {
      if (!Number.isInteger(number) || number < 0 || number > 0xffffffff) return undefined;
      const value = numbers.get(number);
      return value === undefined ? undefined : view(value);
    },
    getEvents: (hash) => {
      const bytes = read(events, hash);
      return bytes === undefined ? undefined : decodeExact(EventsCodec, bytes, 'stored events');
    },
    getOutcomes: (hash) => {
      const bytes = read(outcomes, hash);
      return bytes === undefined ? undefined : decodeExact(OutcomesCodec, bytes, 'stored outcomes');
    },
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
        // Re-checked inside the transaction: only the head's child may be committed.
        const head = meta.get(HEAD);
        if (head === undefined ? header.number !== 0 : !equalBytes(view(head), header.parentHash)) {
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
        blocks.putSync(hash, key(BlockCodec.enc(commit.block)));
        events.putSync(hash, key(EventsCodec.enc(commit.events)));
        outcomes.putSync(hash, key(OutcomesCodec.enc(commit.outcomes)));
        numbers.putSync(header.number, hash);
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
