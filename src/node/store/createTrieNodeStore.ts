// The state trie's nodes in LMDB, laid out so that committing a block costs the same however large
// the state is (DESIGN.md section 2), and pruned so that the store does not grow with the number of
// blocks (Substrate's state pruning).
//
// Keyed by hash alone, a block's new nodes (about twelve per changed key) land at random places in
// the B-tree and each dirties its own 4 KiB page: at 100k keys of state a block of 1000 changed keys
// rewrote most of the tree's pages, and the write cost per key grew ~8x from 1k to 100k keys, 40x
// at 1M (bench/node.bench.ts). Here a node is keyed by (version, hash), where the version is the
// number of the block that wrote it, so a block's nodes go in together at the end of the tree and
// a commit writes about (bytes written / page size) pages, whatever the size of the state.
//
//   trieNodes      u32 BE version || hash -> node; internal nodes carry their children's versions
//   trieRoots      root hash -> u32 BE version of the root node || u32 BE last block with this root
//   trieDeathRows  u32 BE block -> what that block made unreachable (pruning only, see below)
//   trieMeta       'pruning' -> 'archive' | 'window';  'head' -> u32 BE block || root hash
//
// A reader finds a node from its parent, which records the child's version (trieNode.ts), and a
// root through `trieRoots`. One stored copy, (version, hash), is an *entry*; a tree is a set of
// entries. A root that recurs maps to its newest entry: every block with that root is at least as
// old as the newest one, so the newest entry's tree is the last to be pruned.
//
// Pruning (journaling, as Substrate's state-db does). When block b commits, it also records its
// death row: the entries of block b-1's tree that block b's tree no longer names
// (findReplacedTrieEntries, O(changed keys x depth)). Those entries are needed by the trees of
// blocks before b only. Keeping the last N blocks' states, the commit of block h deletes the death
// rows of blocks up to h-N+1 and the entries on them, in the same LMDB transaction as the block, so
// kill -9 leaves either both or neither. Every tree of blocks h-N+1..h stays whole: an entry they
// use is either in the head's tree or dies at a block after h-N+1. Entries written at version 0
// (the genesis state) are never deleted. In 'archive' mode nothing is recorded or deleted; a store
// cannot switch between the two (the pruned store lacks old states, the archive lacks death rows),
// but the window may change.
//
// The nodes of the last few committed blocks are also kept in memory: every block rewrites the top
// ~log2(changed keys) levels of the tree and the next block reads them again, so those reads never
// reach LMDB. The cache is filled only after the transaction commits (`remember`), so it never
// holds a node that points at a version that was rolled back.
import type { Database, RootDatabase } from 'lmdb';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import {
  EMPTY_ROOT,
  encodeVersionedInternal,
  MAX_NODE_VERSION,
  type NodeStore,
  type TrieUpdate,
} from '../../codec/trie/index.js';
import { StoreError } from '../errors.js';
import { findReplacedTrieEntries, type TrieEntry } from './findReplacedTrieEntries.js';
import { isValidStatePruning, type StatePruning } from './statePruning.js';

/** What one `write` stored and deleted, for `remember` once its transaction has committed. */
export interface WrittenTrieNodes {
  readonly version: number;
  readonly entries: Map<string, Uint8Array>;
  readonly deleted: readonly TrieEntry[];
}

export interface TrieNodeStore extends NodeStore {
  rootVersion(hash: Uint8Array): number | undefined;
  /**
   * Stores the nodes of `update` as written by block `version`, and its root; when pruning, records
   * what the block made unreachable and deletes what fell out of the window. Call it inside the
   * chain store's write transaction, once per block, with increasing versions, each update made
   * from the previous one's root.
   */
  write(version: number, update: Pick<TrieUpdate, 'root' | 'rootVersion' | 'nodes'>): WrittenTrieNodes;
  /** Call after the transaction of `write` committed: keeps its nodes in memory for the next reads. */
  remember(written: WrittenTrieNodes): void;
  /** Whether the state written at `version` (a block number) is still whole. */
  keepsState(version: number): boolean;
  /** Stored entries (node copies), for metrics and tests. */
  entryCount(): number;
}

export interface TrieNodeStoreOptions {
  /** How many committed blocks' nodes to keep in memory (0 disables the cache). */
  cachedBlocks?: number;
  /** Default 'archive'; the chain store passes the node's `--state-pruning`. */
  pruning?: StatePruning;
}

const HASH_LENGTH = 32;
// Two blocks' nodes hold the top levels even when a block touches few keys; at 1000 changed keys a
// block writes ~12k nodes, so this costs a few MB.
const DEFAULT_CACHED_BLOCKS = 2;
const KEY_LENGTH = 4 + HASH_LENGTH;
const ENTRY_LENGTH = 4 + HASH_LENGTH;
const PRUNING = 'pruning';
const HEAD = 'head';
// A commit prunes at most this many death rows: one in the steady state; more only after the window
// was shrunk, which then catches up over the next blocks instead of in one long transaction.
const MAX_ROWS_PER_COMMIT = 4;

function nodeKey(version: number, hash: Uint8Array): Buffer {
  const key = Buffer.allocUnsafe(KEY_LENGTH);
  key.writeUInt32BE(version, 0);
  key.set(hash, 4);
  return key;
}

function u32Key(value: number): Buffer {
  const key = Buffer.allocUnsafe(4);
  key.writeUInt32BE(value, 0);
  return key;
}

function cacheKey(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// A death row: u8 1 || hash of the previous root when the block changed the root (its mapping in
// trieRoots may go once that block is pruned), else u8 0; then the dead entries, version || hash.
function encodeDeathRow(previousRoot: Uint8Array | undefined, dead: readonly TrieEntry[]): Buffer {
  const head = previousRoot === undefined ? 1 : 1 + HASH_LENGTH;
  const out = Buffer.allocUnsafe(head + dead.length * ENTRY_LENGTH);
  out[0] = previousRoot === undefined ? 0 : 1;
  if (previousRoot !== undefined) out.set(previousRoot, 1);
  let at = head;
  for (const entry of dead) {
    out.writeUInt32BE(entry.version, at);
    out.set(entry.hash, at + 4);
    at += ENTRY_LENGTH;
  }
  return out;
}

function decodeDeathRow(row: Buffer): { previousRoot: Uint8Array | undefined; dead: TrieEntry[] } {
  const head = row[0] === 1 ? 1 + HASH_LENGTH : 1;
  if (row.length < head || (row.length - head) % ENTRY_LENGTH !== 0) {
    throw new StoreError('MalformedDeathRow', `a trie death row of ${row.length} bytes does not decode`, {
      length: row.length,
    });
  }
  const dead: TrieEntry[] = [];
  for (let at = head; at < row.length; at += ENTRY_LENGTH) {
    dead.push({ version: row.readUInt32BE(at), hash: row.subarray(at + 4, at + ENTRY_LENGTH) });
  }
  return { previousRoot: row[0] === 1 ? row.subarray(1, 1 + HASH_LENGTH) : undefined, dead };
}

export function createTrieNodeStore(root: RootDatabase, options: TrieNodeStoreOptions = {}): TrieNodeStore {
  const cachedBlocks = options.cachedBlocks ?? DEFAULT_CACHED_BLOCKS;
  const pruning = options.pruning ?? 'archive';
  if (!isValidStatePruning(pruning)) {
    throw new StoreError('InvalidStatePruning', `state pruning must be 'archive' or 1..2^32-1 blocks`, {
      pruning: String(pruning),
    });
  }
  // Newest last. Any stored copy of a node serves a reader: the hash fixes the contents, and the
  // children's versions in it point at copies that exist.
  const cache: { version: number; entries: Map<string, Uint8Array> }[] = [];
  const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
  const nodes: Database<Buffer, Buffer> = root.openDB({ name: 'trieNodes', ...binary });
  const roots: Database<Buffer, Buffer> = root.openDB({ name: 'trieRoots', ...binary });
  const deathRows: Database<Buffer, Buffer> = root.openDB({ name: 'trieDeathRows', ...binary });
  const meta: Database<Buffer, string> = root.openDB({ name: 'trieMeta', encoding: 'binary' });

  // A store written before pruning existed has nodes and no mode: it kept everything.
  const storedMode =
    meta.get(PRUNING)?.toString('utf8') ?? (nodes.getKeysCount({ limit: 1 }) > 0 ? 'archive' : undefined);
  const mode = pruning === 'archive' ? 'archive' : 'window';
  if (storedMode !== undefined && storedMode !== mode) {
    throw new StoreError(
      'StatePruningMismatch',
      storedMode === 'archive'
        ? 'this store keeps every state (archive): start it with --state-pruning archive, or from an empty data dir'
        : 'this store was pruned, so it lacks old states: it cannot become an archive; start from an empty data dir',
      { stored: storedMode, requested: mode },
    );
  }
  if (storedMode === undefined) meta.putSync(PRUNING, Buffer.from(mode, 'utf8'));

  const rootVersion = (hash: Uint8Array): number | undefined => {
    const value = roots.get(asBuffer(hash));
    return value === undefined ? undefined : value.readUInt32BE(0);
  };

  const readHead = (): { version: number; root: Uint8Array } | undefined => {
    const value = meta.get(HEAD);
    return value === undefined
      ? undefined
      : { version: value.readUInt32BE(0), root: value.subarray(4, 4 + HASH_LENGTH) };
  };

  /** The bytes of exactly the entry (version, hash), which the death-row walk needs. */
  const readEntry = (hash: Uint8Array, version: number): Uint8Array | undefined => {
    const id = cacheKey(hash);
    for (const block of cache) {
      if (block.version === version) {
        const hit = block.entries.get(id);
        if (hit !== undefined) return hit;
      }
    }
    const value = nodes.get(nodeKey(version, hash));
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  };

  /** Deletes the rows of blocks up to `through` (at most a few per commit); returns the entries. */
  const prune = (through: number): TrieEntry[] => {
    const deleted: TrieEntry[] = [];
    // Read before deleting, and copied: the loop below writes to the databases it came from.
    const due = [
      ...deathRows.getRange({ end: u32Key(through), inclusiveEnd: true, limit: MAX_ROWS_PER_COMMIT }),
    ].map(({ key, value }) => ({ key: Buffer.from(key), value: Buffer.from(value) }));
    for (const { key, value } of due) {
      const block = key.readUInt32BE(0);
      const { previousRoot, dead } = decodeDeathRow(value);
      for (const entry of dead) {
        nodes.removeSync(nodeKey(entry.version, entry.hash));
        deleted.push(entry);
      }
      // Block-1's root is gone with this row, unless a later block has the same root.
      if (previousRoot !== undefined) {
        const mapping = roots.get(asBuffer(previousRoot));
        if (mapping !== undefined && mapping.readUInt32BE(0) !== 0 && mapping.readUInt32BE(4) < block) {
          // The genesis copy of a recurring root is never deleted: fall back to it.
          if (nodes.get(nodeKey(0, previousRoot)) !== undefined) {
            roots.putSync(asBuffer(previousRoot), rootValue(0, mapping.readUInt32BE(4)));
          } else {
            roots.removeSync(asBuffer(previousRoot));
          }
        }
      }
      deathRows.removeSync(key);
    }
    return deleted;
  };

  return {
    rootVersion,

    get: (hash, version) => {
      if (hash.length !== HASH_LENGTH) return undefined;
      if (cache.length > 0) {
        const id = cacheKey(hash);
        for (let i = cache.length - 1; i >= 0; i--) {
          const hit = cache[i]!.entries.get(id);
          if (hit !== undefined) return hit;
        }
      }
      const at = version ?? rootVersion(hash);
      if (at === undefined) return undefined;
      const value = nodes.get(nodeKey(at, hash));
      return value === undefined
        ? undefined
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    },

    write: (version, update) => {
      if (!Number.isInteger(version) || version < 0 || version > MAX_NODE_VERSION) {
        throw new StoreError('InvalidTrieVersion', `trie node version ${version} is not a u32`, { version });
      }
      const head = mode === 'window' ? readHead() : undefined;
      if (head !== undefined && version <= head.version) {
        throw new StoreError(
          'TrieVersionNotIncreasing',
          `trie version ${version} does not follow the stored ${head.version}`,
          { version, head: head.version },
        );
      }
      // Read before this block maps its own root: a root that recurs is about to map elsewhere.
      const previous =
        head === undefined || equalBytes(head.root, EMPTY_ROOT)
          ? undefined
          : { hash: head.root, version: rootVersion(head.root) ?? missingRoot(head.root) };
      const entries = new Map<string, Uint8Array>();
      // In key order, appended after every older version: LMDB then fills each page before it starts
      // the next one, where out-of-order inserts split pages half-full.
      const [last] = [...nodes.getKeys({ reverse: true, limit: 1 })] as Buffer[];
      const append = last === undefined || last.readUInt32BE(0) < version;
      // Each key built once and sorted as it is: a comparator that wraps the hashes in Buffers
      // allocates two per comparison, and that cost more than the LMDB writes (~20k nodes a block).
      const ordered = update.nodes
        .map((node) => ({ node, key: nodeKey(version, node.hash) }))
        .sort((a, b) => Buffer.compare(a.key, b.key));
      for (const [index, { node, key }] of ordered.entries()) {
        // Appending a key twice is an LMDB error; one copy of a node per block is all it needs.
        if (index > 0 && ordered[index - 1]!.key.equals(key)) continue;
        let bytes = node.bytes;
        if (node.childVersions !== undefined) {
          // A child this same update writes has no version yet: it is this one.
          const [left, right] = node.childVersions;
          bytes = encodeVersionedInternal(
            bytes.subarray(1, 1 + HASH_LENGTH),
            bytes.subarray(1 + HASH_LENGTH, 1 + 2 * HASH_LENGTH),
            left ?? version,
            right ?? version,
          );
        }
        nodes.putSync(key, asBuffer(bytes), { append });
        if (cachedBlocks > 0) entries.set(cacheKey(node.hash), bytes);
      }
      const isEmpty = equalBytes(update.root, EMPTY_ROOT);
      if (!isEmpty) {
        // The entry of the new root: an old node the update kept (or a delete moved up), else this
        // block's copy.
        let at = update.rootVersion;
        if (at === undefined && update.nodes.some((node) => equalBytes(node.hash, update.root))) at = version;
        if (at === undefined) {
          throw new StoreError(
            'TrieRootNotStored',
            `state root ${bytesToHex(update.root)} is neither written by this block nor stored`,
            { root: bytesToHex(update.root), version },
          );
        }
        roots.putSync(asBuffer(update.root), rootValue(at, version));
      }
      let deleted: TrieEntry[] = [];
      if (mode === 'window') {
        // The genesis state stays whole, so its entries never go on a death row.
        const dead = findReplacedTrieEntries(readEntry, previous, update, version).filter(
          (entry) => entry.version !== 0,
        );
        // The previous root's mapping may go with this row, unless the root stayed the same.
        const retiredRoot =
          previous !== undefined && !equalBytes(previous.hash, update.root) ? previous.hash : undefined;
        if (dead.length > 0 || retiredRoot !== undefined) {
          deathRows.putSync(u32Key(version), encodeDeathRow(retiredRoot, dead));
        }
        const window = pruning as number;
        if (version - window + 1 > 0) deleted = prune(version - window + 1);
        const headValue = Buffer.allocUnsafe(4 + HASH_LENGTH);
        headValue.writeUInt32BE(version, 0);
        headValue.set(update.root, 4);
        meta.putSync(HEAD, headValue);
      }
      return { version, entries, deleted };
    },

    remember: (written) => {
      for (const entry of written.deleted) {
        const block = cache.find((cached) => cached.version === entry.version);
        block?.entries.delete(cacheKey(entry.hash));
      }
      if (cachedBlocks === 0) return;
      cache.push({ version: written.version, entries: written.entries });
      while (cache.length > cachedBlocks) cache.shift();
    },

    keepsState: (version) => {
      if (mode === 'archive' || version === 0) return true;
      const head = readHead();
      return head === undefined || (version <= head.version && version > head.version - (pruning as number));
    },

    entryCount: () => nodes.getCount(),
  };
}

function rootValue(version: number, lastBlock: number): Buffer {
  const value = Buffer.allocUnsafe(8);
  value.writeUInt32BE(version, 0);
  value.writeUInt32BE(lastBlock, 4);
  return value;
}

function missingRoot(root: Uint8Array): never {
  throw new StoreError('TrieRootNotStored', `the stored head root ${bytesToHex(root)} has no entry`, {
    root: bytesToHex(root),
  });
}
