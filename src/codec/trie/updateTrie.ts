// Batch update of the state trie: all of a block's changed keys are applied in one pass at the end
// of the block, so each touched node on the way down is read once and each new node hashed once.
// The cost is O(changes x depth), depth ~ log2(keys): it does not grow with the size of the state
// beyond that logarithm.
import { compareBytes } from '../bytes.js';
import { blake2b256 } from '../hash.js';
import { loadNode } from './loadNode.js';
import {
  EMPTY_ROOT,
  encodeInternal,
  encodeLeaf,
  hashInternal,
  hashLeaf,
  isEmptyHash,
  keyPath,
  type NodeStore,
  pathBit,
} from './trieNode.js';

export interface TrieChange {
  key: Uint8Array;
  /** `null` deletes the key. */
  value: Uint8Array | null;
}

export interface TrieNodeWrite {
  hash: Uint8Array;
  /** The plain encoding, which `hash` commits to. */
  bytes: Uint8Array;
  /**
   * Internal nodes: the versions a versioned store already keeps the left and right child at
   * (learned from their parents on the way down); undefined for a child this same update writes.
   */
  childVersions?: readonly [number | undefined, number | undefined];
}

export interface TrieUpdate {
  root: Uint8Array;
  /**
   * For a versioned store, the version of the new root when it is a node already stored (the old
   * root unchanged, or a node a delete moved up); undefined when this update writes the root.
   */
  rootVersion: number | undefined;
  /** Nodes the new root needs that may not be stored yet, to write next to the block. */
  nodes: TrieNodeWrite[];
}

interface PathChange {
  path: Uint8Array;
  value: Uint8Array | null;
}

/** A leaf about to be placed: `bytes` is set when the leaf is new and must be written. */
interface PendingLeaf {
  path: Uint8Array;
  hash: Uint8Array;
  bytes: Uint8Array | undefined;
  version: number | undefined;
}

const EMPTY = 0;
const LEAF = 1;
const INTERNAL = 2;
/** An untouched non-empty subtree whose kind we only learn if a sibling collapse needs it. */
const UNKNOWN = 3;

interface Sub {
  hash: Uint8Array;
  kind: number;
  /** Where a versioned store keeps this node; undefined when this update writes it. */
  version: number | undefined;
}

/**
 * Applies `changes` to the tree rooted at `root`. Later entries for the same key win. The result
 * depends only on the final key -> value contents, never on the order or batching of updates.
 */
export function updateTrie(store: NodeStore, root: Uint8Array, changes: Iterable<TrieChange>): TrieUpdate {
  const byPath = new Map<string, PathChange>();
  for (const change of changes) {
    const path = keyPath(change.key);
    byPath.set(Buffer.from(path).toString('latin1'), { path, value: change.value });
  }
  const sorted = [...byPath.values()].sort((a, b) => compareBytes(a.path, b.path));
  const nodes: TrieUpdate['nodes'] = [];

  const emit = (node: TrieNodeWrite): void => {
    nodes.push(node);
  };

  /** Index of the first change in [lo, hi) whose bit at `depth` is 1 (paths are sorted). */
  const split = (lo: number, hi: number, depth: number): number => {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (pathBit(sorted[mid]!.path, depth) === 0) a = mid + 1;
      else b = mid;
    }
    return a;
  };

  const kindOf = (sub: Sub): number => {
    if (sub.kind !== UNKNOWN) return sub.kind;
    if (isEmptyHash(sub.hash)) return EMPTY;
    return loadNode(store, sub.hash, sub.version).kind === 'leaf' ? LEAF : INTERNAL;
  };

  // Canonical form: a subtree with no leaf is EMPTY_ROOT, with one leaf is that leaf.
  const combine = (left: Sub, right: Sub): Sub => {
    const leftKind = left.kind === EMPTY ? EMPTY : right.kind === EMPTY ? kindOf(left) : left.kind;
    const rightKind = right.kind === EMPTY ? EMPTY : left.kind === EMPTY ? kindOf(right) : right.kind;
    if (leftKind === EMPTY && (rightKind === EMPTY || rightKind === LEAF))
      return { ...right, kind: rightKind };
    if (rightKind === EMPTY && leftKind === LEAF) return { ...left, kind: LEAF };
    const hash = hashInternal(left.hash, right.hash);
    emit({
      hash,
      bytes: encodeInternal(left.hash, right.hash),
      childVersions: [left.version, right.version],
    });
    return { hash, kind: INTERNAL, version: undefined };
  };

  const build = (leaves: PendingLeaf[], lo: number, hi: number, depth: number): Sub => {
    if (lo === hi) return { hash: EMPTY_ROOT, kind: EMPTY, version: undefined };
    if (hi - lo === 1) {
      const leaf = leaves[lo]!;
      if (leaf.bytes) emit({ hash: leaf.hash, bytes: leaf.bytes });
      return { hash: leaf.hash, kind: LEAF, version: leaf.version };
    }
    let mid = lo;
    while (mid < hi && pathBit(leaves[mid]!.path, depth) === 0) mid++;
    return combine(build(leaves, lo, mid, depth + 1), build(leaves, mid, hi, depth + 1));
  };

  const update = (
    hash: Uint8Array,
    version: number | undefined,
    depth: number,
    lo: number,
    hi: number,
  ): Sub => {
    if (lo === hi) return { hash, kind: isEmptyHash(hash) ? EMPTY : UNKNOWN, version };
    if (!isEmptyHash(hash)) {
      const node = loadNode(store, hash, version);
      if (node.kind === 'internal') {
        const mid = split(lo, hi, depth);
        return combine(
          update(node.left, node.leftVersion, depth + 1, lo, mid),
          update(node.right, node.rightVersion, depth + 1, mid, hi),
        );
      }
      return rebuild({ path: node.path, hash, bytes: undefined, version }, depth, lo, hi);
    }
    return rebuild(undefined, depth, lo, hi);
  };

  // Below an empty subtree or a leaf there is nothing more to read: lay out the surviving leaves.
  const rebuild = (existing: PendingLeaf | undefined, depth: number, lo: number, hi: number): Sub => {
    const leaves: PendingLeaf[] = [];
    let keepExisting = existing !== undefined;
    for (let i = lo; i < hi; i++) {
      const change = sorted[i]!;
      if (existing && compareBytes(change.path, existing.path) === 0) keepExisting = false;
      if (change.value !== null) {
        leaves.push({
          path: change.path,
          hash: hashLeaf(change.path, blake2b256(change.value)),
          bytes: encodeLeaf(change.path, change.value),
          version: undefined,
        });
      }
    }
    if (existing && keepExisting) {
      let at = 0;
      while (at < leaves.length && compareBytes(leaves[at]!.path, existing.path) < 0) at++;
      leaves.splice(at, 0, existing);
    }
    return build(leaves, 0, leaves.length, depth);
  };

  const rootVersion = isEmptyHash(root) ? undefined : store.rootVersion?.(root);
  const result = update(root, rootVersion, 0, 0, sorted.length);
  return { root: result.hash, rootVersion: result.version, nodes };
}
