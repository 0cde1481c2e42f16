// The state trie's nodes in LMDB, laid out so that committing a block costs the same however large
// the state is (DESIGN.md section 2).
//
// Keyed by hash alone, a block's new nodes (about twelve per changed key) land at random places in
// the B-tree and each dirties its own 4 KiB page: at 100k keys of state a block of 1000 changed keys
// rewrote most of the tree's pages, and the write cost per key grew ~8x from 1k to 100k keys, 40x
// at 1M (bench/node.bench.ts). Here a node is keyed by (version, hash), where the version is the
// number of the block that wrote it, so a block's nodes go in together at the end of the tree and
// a commit writes about (bytes written / page size) pages, whatever the size of the state.
//
//   trieNodes   u32 BE version || hash -> node; internal nodes carry their children's versions
//   trieRoots   root hash -> u32 BE version of the root node
//
// A reader finds a node from its parent, which records the child's version (trieNode.ts), and a
// root through `trieRoots`. Nodes are never deleted or rewritten, so every past root stays readable.
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

/** What one `write` stored, for `remember` once its transaction has committed. */
export interface WrittenTrieNodes {
  readonly entries: Map<string, Uint8Array>;
}

export interface TrieNodeStore extends NodeStore {
  rootVersion(hash: Uint8Array): number | undefined;
  /**
   * Stores the nodes of `update` as written by block `version`, and its root. Call it inside the
   * chain store's write transaction, once per block, with increasing versions.
   */
  write(version: number, update: Pick<TrieUpdate, 'root' | 'rootVersion' | 'nodes'>): WrittenTrieNodes;
  /** Call after the transaction of `write` committed: keeps its nodes in memory for the next reads. */
  remember(written: WrittenTrieNodes): void;
}

export interface TrieNodeStoreOptions {
  /** How many committed blocks' nodes to keep in memory (0 disables the cache). */
  cachedBlocks?: number;
}

const HASH_LENGTH = 32;
// Two blocks' nodes hold the top levels even when a block touches few keys; at 1000 changed keys a
// block writes ~12k nodes, so this costs a few MB.
const DEFAULT_CACHED_BLOCKS = 2;
const KEY_LENGTH = 4 + HASH_LENGTH;

function nodeKey(version: number, hash: Uint8Array): Buffer {
  const key = Buffer.allocUnsafe(KEY_LENGTH);
  key.writeUInt32BE(version, 0);
  key.set(hash, 4);
  return key;
}

function cacheKey(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function createTrieNodeStore(root: RootDatabase, options: TrieNodeStoreOptions = {}): TrieNodeStore {
  const cachedBlocks = options.cachedBlocks ?? DEFAULT_CACHED_BLOCKS;
  // Newest last. Any stored copy of a node serves: the hash fixes the contents, and the children's
  // versions in it point at copies that exist.
  const cache: Map<string, Uint8Array>[] = [];
  const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
  const nodes: Database<Buffer, Buffer> = root.openDB({ name: 'trieNodes', ...binary });
  const roots: Database<Buffer, Buffer> = root.openDB({ name: 'trieRoots', ...binary });

  const rootVersion = (hash: Uint8Array): number | undefined => {
    const value = roots.get(asBuffer(hash));
    return value === undefined ? undefined : value.readUInt32BE(0);
  };

  return {
    rootVersion,

    get: (hash, version) => {
      if (hash.length !== HASH_LENGTH) return undefined;
      if (cache.length > 0) {
        const id = cacheKey(hash);
        for (let i = cache.length - 1; i >= 0; i--) {
          const hit = cache[i]!.get(id);
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
      const entries = new Map<string, Uint8Array>();
      for (const node of update.nodes) {
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
        nodes.putSync(nodeKey(version, node.hash), asBuffer(bytes));
        if (cachedBlocks > 0) entries.set(cacheKey(node.hash), bytes);
      }
      const written = { entries };
      if (equalBytes(update.root, EMPTY_ROOT) || rootVersion(update.root) !== undefined) return written;
      // A root seen before keeps its first version (its nodes stay there). A new root was either
      // written now or moved up from below by a delete, and then the update says where it lives.
      // (A root written again now keeps the older copy too; both are complete.)
      let at = update.rootVersion;
      if (at === undefined) {
        for (let i = update.nodes.length - 1; i >= 0; i--) {
          if (equalBytes(update.nodes[i]!.hash, update.root)) {
            at = version;
            break;
          }
        }
      }
      if (at === undefined) {
        throw new StoreError(
          'TrieRootNotStored',
          `state root ${bytesToHex(update.root)} is neither written by this block nor stored`,
          { root: bytesToHex(update.root), version },
        );
      }
      const value = Buffer.allocUnsafe(4);
      value.writeUInt32BE(at, 0);
      roots.putSync(asBuffer(update.root), value);
      return written;
    },

    remember: (written) => {
      if (cachedBlocks === 0) return;
      cache.push(written.entries);
      while (cache.length > cachedBlocks) cache.shift();
    },
  };
}
