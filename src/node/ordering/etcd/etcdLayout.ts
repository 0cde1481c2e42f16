// Where a chain lives in etcd. Everything sits under one root per chain (its genesis hash), so two
// chains can share a cluster and a node can never read another chain's log:
//   ctl/head              the log's head: number (u32 LE) ++ block hash; the append compares it
//   ctl/leader            the proposer's name, attached to its session lease
//   block/<number>        SCALE(Block), the recent log only (older heights are deleted)
//   pending/<node>/<hash> an extrinsic a node accepted, attached to that node's pending lease
//   node/<node>           a node's JSON card (RPC URL, authority), attached to its session lease
// `head` and `leader` share the `ctl/` prefix so that one range read returns both.
import { bytesToHex } from '../../../codec/bytes.js';
import { NodeError } from '../../errors.js';

export interface LogHead {
  readonly number: number;
  readonly hash: Uint8Array;
}

/** Keys from `start` (inclusive) to `end` (exclusive), in etcd's byte order. */
export interface KeyRange {
  readonly start: string;
  readonly end: string;
}

/** Decimal digits of a block key: u32 heights, zero-padded so that key order is height order. */
const HEIGHT_DIGITS = 10;

export interface EtcdLayout {
  readonly root: string;
  readonly control: string;
  readonly head: string;
  readonly leader: string;
  readonly blocks: string;
  block(number: number): string;
  numberOfBlockKey(key: string): number;
  readonly pending: string;
  pendingOf(node: string): string;
  /** Every node's pending keys but `node`'s own, as key ranges (etcd's [start, end)). */
  pendingOfOthers(node: string): KeyRange[];
  pendingKey(node: string, extrinsicHash: Uint8Array): string;
  readonly nodes: string;
  nodeKey(node: string): string;
}

/** Node names become key segments: keep them to a plain alphabet so no name can reach another's keys. */
export const NODE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function createEtcdLayout(genesisHash: Uint8Array, prefix = 'phalanx/'): EtcdLayout {
  const root = `${prefix}${bytesToHex(genesisHash)}/`;
  const control = `${root}ctl/`;
  const blocks = `${root}block/`;
  const pending = `${root}pending/`;
  const nodes = `${root}node/`;
  const checkName = (node: string): string => {
    if (!NODE_NAME_PATTERN.test(node)) {
      throw new NodeError('InvalidOption', `node name must match ${NODE_NAME_PATTERN}, got "${node}"`);
    }
    return node;
  };
  return {
    root,
    control,
    head: `${control}head`,
    leader: `${control}leader`,
    blocks,
    block: (number) => `${blocks}${number.toString().padStart(HEIGHT_DIGITS, '0')}`,
    numberOfBlockKey: (key) => Number(key.slice(blocks.length)),
    pending,
    pendingOf: (node) => `${pending}${checkName(node)}/`,
    // A name ends at its slash, so `pending/<node>/` covers that node's keys and nobody else's.
    pendingOfOthers: (node) => [
      { start: pending, end: `${pending}${checkName(node)}/` },
      { start: prefixEnd(`${pending}${node}/`), end: prefixEnd(pending) },
    ],
    pendingKey: (node, hash) => `${pending}${checkName(node)}/${bytesToHex(hash)}`,
    nodes,
    nodeKey: (node) => `${nodes}${checkName(node)}`,
  };
}

export function encodeLogHead(head: LogHead): Buffer {
  const bytes = Buffer.alloc(4 + 32);
  bytes.writeUInt32LE(head.number, 0);
  bytes.set(head.hash, 4);
  return bytes;
}

/** undefined for anything but 36 bytes: a foreign or damaged value is not a head. */
export function decodeLogHead(bytes: Uint8Array): LogHead | undefined {
  if (bytes.length !== 36) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { number: view.readUInt32LE(0), hash: new Uint8Array(bytes.subarray(4)) };
}

/** The end of a prefix's key range (etcd's convention: the prefix with its last byte plus one). */
export function prefixEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
}
