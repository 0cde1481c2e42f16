import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { open } from 'lmdb';
import { utf8 } from '../../codec/bytes.js';
import { type Block, BlockCodec, hashHeader, listRoot } from '../../codec/chain.js';
import { EMPTY_ROOT, readTrieValue, updateTrie } from '../../codec/trie/index.js';
import type { StateChanges } from '../../runtime/api.js';
import { StoreError } from '../errors.js';
import { type BlockCommit, type ChainStore, createChainStore } from './createChainStore.js';

function block(number: number, parentHash: Uint8Array): Block {
  return {
    header: {
      parentHash,
      number,
      timestamp: BigInt(number),
      stateRoot: new Uint8Array(32),
      extrinsicsRoot: listRoot([]),
      eventsRoot: listRoot([]),
      author: new Uint8Array(32),
    },
    signature: new Uint8Array(64),
    extrinsics: [],
  };
}

function changes(entries: [string, string | null][]): StateChanges {
  const map: StateChanges = new Map();
  for (const [k, v] of entries) map.set(k, { key: utf8(k), value: v === null ? null : utf8(v) });
  return map;
}

function commitOf(b: Block, state: StateChanges): BlockCommit {
  const trie = { root: b.header.stateRoot, rootVersion: undefined, nodes: [] };
  return { hash: hashHeader(b.header), block: b, events: [], outcomes: [], changes: state, trie };
}

/** Commits idle blocks (no extrinsics, events or state changes) after the head, up to `last`. */
function commitIdleBlocks(store: ChainStore, last: number): void {
  let parent = store.headHash();
  let number = parent === undefined ? 0 : store.getBlock(parent)!.header.number + 1;
  for (; number <= last; number++) {
    const b = block(number, parent ?? new Uint8Array(32));
    b.signature = new Uint8Array(64).fill(number % 251);
    store.commitBlock(commitOf(b, changes([])));
    parent = hashHeader(b.header);
  }
}

describe('createChainStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phalanx-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits blocks with their state, and finds them again after reopening', async () => {
    const store = createChainStore(dir);
    const genesis = block(0, new Uint8Array(32));
    store.commitBlock(
      commitOf(
        genesis,
        changes([
          ['a', '1'],
          ['b', '2'],
        ]),
      ),
    );
    const one = block(1, hashHeader(genesis.header));
    const trie = updateTrie(store.nodes, EMPTY_ROOT, [
      { key: utf8('c'), value: utf8('3') },
      { key: utf8('d'), value: utf8('4') },
    ]);
    one.header.stateRoot = trie.root;
    store.commitBlock({
      ...commitOf(
        one,
        changes([
          ['a', null],
          ['c', '3'],
        ]),
      ),
      outcomes: [
        { ok: true },
        { ok: false, error: { module: 'balances', error: 'InsufficientBalance', code: 2 } },
      ],
      events: [{ phase: 0, module: 'system', name: 'ExtrinsicSuccess', data: Uint8Array.of(1) }],
      trie,
    });
    await store.close();

    const reopened = createChainStore(dir);
    assert.deepEqual(reopened.genesisHash(), hashHeader(genesis.header));
    assert.deepEqual(reopened.headHash(), hashHeader(one.header));
    assert.deepEqual(reopened.getBlockHash(1), hashHeader(one.header));
    assert.deepEqual(reopened.getBlock(hashHeader(one.header)), one);
    assert.equal(reopened.state.get(utf8('a')), undefined);
    assert.deepEqual(reopened.state.get(utf8('c')), utf8('3'));
    assert.deepEqual(reopened.getOutcomes(hashHeader(one.header)), [
      { ok: true },
      { ok: false, error: { module: 'balances', error: 'InsufficientBalance', code: 2 } },
    ]);
    assert.equal(reopened.getEvents(hashHeader(one.header))?.[0]?.name, 'ExtrinsicSuccess');
    assert.deepEqual(readTrieValue(reopened.nodes, one.header.stateRoot, utf8('d')), utf8('4'));
    assert.equal(reopened.getBlockHash(2), undefined);
    await reopened.close();
  });

  it('refuses a block that does not extend the head, and writes nothing of it', async () => {
    const store = createChainStore(dir);
    const genesis = block(0, new Uint8Array(32));
    store.commitBlock(commitOf(genesis, changes([])));
    const stray = block(1, new Uint8Array(32).fill(1));
    assert.throws(
      () => store.commitBlock({ ...commitOf(stray, changes([['x', '1']])) }),
      (error: unknown) => error instanceof StoreError && error.code === 'NotOnHead',
    );
    assert.equal(store.state.get(utf8('x')), undefined);
    assert.equal(store.getBlockHash(1), undefined);
    assert.deepEqual(store.headHash(), hashHeader(genesis.header));
    await store.close();
  });

  it('refuses a child of the head whose number is not the next one', async () => {
    const store = createChainStore(dir);
    const genesis = block(0, new Uint8Array(32));
    store.commitBlock(commitOf(genesis, changes([])));
    const skipping = block(2, hashHeader(genesis.header));
    assert.throws(
      () => store.commitBlock(commitOf(skipping, changes([]))),
      (error: unknown) => error instanceof StoreError && error.code === 'NotOnHead',
    );
    assert.equal(store.getBlockHash(2), undefined);
    assert.deepEqual(store.headHash(), hashHeader(genesis.header));
    await store.close();
  });

  it('gives a known block without events or outcomes empty lists, and an unknown block none', async () => {
    const store = createChainStore(dir);
    commitIdleBlocks(store, 3);
    const three = store.getBlockHash(3)!;
    assert.deepEqual(store.getEvents(three), []);
    assert.deepEqual(store.getOutcomes(three), []);
    assert.equal(store.getBlock(three)?.header.number, 3);
    assert.deepEqual(store.getBlock(three)?.header.parentHash, store.getBlockHash(2));
    // Same first bytes as a stored hash (the index's key), different after: not that block.
    const lookalike = Uint8Array.from(three);
    lookalike[31]! ^= 1;
    assert.equal(store.getBlock(lookalike), undefined);
    assert.equal(store.getEvents(lookalike), undefined);
    assert.equal(store.getOutcomes(lookalike), undefined);
    await store.close();
  });

  it('grows by less than 400 bytes a block on an idle chain (blocks of 237 bytes, kept forever)', async () => {
    const store = createChainStore(dir);
    const file = join(dir, 'chain', 'data.mdb');
    commitIdleBlocks(store, 200);
    const before = statSync(file).size;
    commitIdleBlocks(store, 1200);
    const perBlock = (statSync(file).size - before) / 1000;
    assert.equal(BlockCodec.enc(store.getBlock(store.headHash()!)!).length, 237);
    // Keyed by hash, with full-hash index and empty lists written, this was about 610 bytes.
    assert.ok(perBlock < 400, `${perBlock} bytes a block`);
    await store.close();
  });

  it('refuses a store written with an older layout rather than misreading it', async () => {
    // Layout 2 kept blocks by hash, in a database of the same name.
    const env = open({ path: join(dir, 'chain'), maxDbs: 12 });
    const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
    const hash = Buffer.alloc(32, 7);
    env.openDB({ name: 'blocks', ...binary }).putSync(hash, Buffer.from(BlockCodec.enc(block(0, hash))));
    const meta = env.openDB<Buffer, string>({ name: 'meta', encoding: 'binary' });
    meta.putSync('head', hash);
    meta.putSync('layout', Buffer.of(0, 0, 0, 2));
    await env.close();
    assert.throws(
      () => createChainStore(dir),
      (error: unknown) =>
        error instanceof StoreError && error.code === 'StoreLayoutMismatch' && /layout 2/.test(error.message),
    );
  });

  it('lists state under a prefix in key order, in pages', async () => {
    const store = createChainStore(dir);
    store.commitBlock(
      commitOf(
        block(0, new Uint8Array(32)),
        changes([
          ['p/3', 'c'],
          ['p/1', 'a'],
          ['p/2', 'b'],
          ['q/1', 'x'],
          ['p', 'root'],
        ]),
      ),
    );
    const page1 = store.listState(utf8('p/'), undefined, 2);
    assert.deepEqual(
      page1.map((e) => Buffer.from(e.key).toString()),
      ['p/1', 'p/2'],
    );
    const page2 = store.listState(utf8('p/'), page1[1]!.key, 2);
    assert.deepEqual(
      page2.map((e) => Buffer.from(e.key).toString()),
      ['p/3'],
    );
    assert.equal(store.listState(new Uint8Array(0), undefined, 10).length, 5);
    assert.deepEqual(store.listState(utf8('p/'), undefined, 0), []);
    await store.close();
  });

  it('holds the data dir from open to close: a second open is refused naming the holder', async () => {
    const store = createChainStore(dir);
    assert.throws(
      () => createChainStore(dir),
      (error: unknown) =>
        error instanceof StoreError && error.code === 'DataDirLocked' && error.details.pid === process.pid,
    );
    await store.close();
    await createChainStore(dir).close();
  });

  it('refuses to reopen an archive as pruned or a pruned store as an archive, and lets the window change', async () => {
    const mismatch = (error: unknown) => error instanceof StoreError && error.code === 'StatePruningMismatch';
    const archiveDir = join(dir, 'archive');
    const archive = createChainStore(archiveDir, { statePruning: 'archive' });
    archive.commitBlock(commitOf(block(0, new Uint8Array(32)), changes([])));
    await archive.close();
    assert.throws(() => createChainStore(archiveDir, { statePruning: 10 }), mismatch);
    // The lock went with the refused open: the archive still opens as what it is.
    await createChainStore(archiveDir, { statePruning: 'archive' }).close();

    const prunedDir = join(dir, 'pruned');
    const pruned = createChainStore(prunedDir, { statePruning: 10 });
    pruned.commitBlock(commitOf(block(0, new Uint8Array(32)), changes([])));
    await pruned.close();
    assert.throws(() => createChainStore(prunedDir, { statePruning: 'archive' }), mismatch);
    await createChainStore(prunedDir, { statePruning: 3 }).close();
  });
});
