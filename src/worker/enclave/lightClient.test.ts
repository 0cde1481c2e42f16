import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '../../codec/bytes.js';
import { type Header, hashHeader, listRoot, type SignedHeader, signHeader } from '../../codec/chain.js';
import { MAX_TIMESTAMP_STEP_MS } from '../../codec/checkHeaderExtendsParent.js';
import { devKeypair } from '../../codec/devKeys.js';
import { createMemoryNodeStore, EMPTY_ROOT, proveKey, updateTrie } from '../../codec/trie/index.js';
import { WorkerStates } from '../../runtime/registry/storage.js';
import { Authorities } from '../../runtime/system/storage.js';
import {
  type AuthorityProof,
  createLightClient,
  type LightClient,
  readGenesisAuthorities,
  resumeLightClient,
} from './lightClient.js';

const alice = devKeypair('alice');
const bob = devKeypair('bob');
const mallory = devKeypair('mallory');
const STATE_KEY = WorkerStates.keyOf(new Uint8Array(32).fill(5));

/** A tiny chain: a real state trie (authorities + one worker state) and headers signed by alice. */
function buildChain(length: number) {
  const store = createMemoryNodeStore();
  const genesisState = updateTrie(store, EMPTY_ROOT, [
    { key: Authorities.key, value: Authorities.valueCodec.enc([alice.publicKey]) },
  ]);
  for (const node of genesisState.nodes) store.put(node.hash, node.bytes);
  const laterState = updateTrie(store, genesisState.root, [{ key: STATE_KEY, value: Uint8Array.of(1) }]);
  for (const node of laterState.nodes) store.put(node.hash, node.bytes);
  const genesis: Header = {
    parentHash: new Uint8Array(32),
    number: 0,
    timestamp: 1_000n,
    stateRoot: genesisState.root,
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: new Uint8Array(32),
  };
  const blocks: SignedHeader[] = [];
  let parent = genesis;
  for (let number = 1; number <= length; number++) {
    const header: Header = {
      ...parent,
      parentHash: hashHeader(parent),
      number,
      timestamp: parent.timestamp + 1000n,
      stateRoot: laterState.root,
      author: alice.publicKey,
    };
    blocks.push({ header, signature: signHeader(header, alice.secretSeed) });
    parent = header;
  }
  return { store, genesis, genesisHash: hashHeader(genesis), blocks, stateRoot: laterState.root };
}

function clientFor(chain: ReturnType<typeof buildChain>): LightClient {
  const { value, proof } = proveKey(chain.store, chain.genesis.stateRoot, Authorities.key);
  const authorities = readGenesisAuthorities(chain.genesisHash, chain.genesis, value, proof);
  return createLightClient({ genesisHash: chain.genesisHash, genesisHeader: chain.genesis, authorities });
}

function resign(header: Header, seed = alice.secretSeed): SignedHeader {
  return { header, signature: signHeader(header, seed) };
}

describe('light client', () => {
  it('follows a valid chain from its pinned genesis, reading the authorities from a genesis proof', () => {
    const chain = buildChain(5);
    const client = clientFor(chain);
    for (const block of chain.blocks) client.importHeader(block);
    assert.equal(client.head().header.number, 5);
    assert.deepEqual(client.head().hash, hashHeader(chain.blocks[4]!.header));
  });

  it('refuses a genesis header that does not hash to the pinned genesis hash', () => {
    const chain = buildChain(1);
    assert.throws(
      () =>
        createLightClient({
          genesisHash: new Uint8Array(32).fill(1),
          genesisHeader: chain.genesis,
          authorities: [alice.publicKey],
        }),
      { code: 'GenesisMismatch' },
    );
    const { value, proof } = proveKey(chain.store, chain.genesis.stateRoot, Authorities.key);
    assert.throws(
      () => readGenesisAuthorities(chain.genesisHash, { ...chain.genesis, timestamp: 5n }, value, proof),
      {
        code: 'GenesisMismatch',
      },
    );
  });

  it('refuses an authority set whose genesis proof carries another value', () => {
    const chain = buildChain(1);
    const { proof } = proveKey(chain.store, chain.genesis.stateRoot, Authorities.key);
    const forged = Authorities.valueCodec.enc([mallory.publicKey]);
    assert.throws(() => readGenesisAuthorities(chain.genesisHash, chain.genesis, forged, proof), {
      code: 'InvalidProof',
    });
  });

  const refusals: [string, string, (chain: ReturnType<typeof buildChain>) => SignedHeader][] = [
    [
      'a forged signature',
      'BadSignature',
      (chain) => ({ header: chain.blocks[0]!.header, signature: chain.blocks[1]!.signature }),
    ],
    [
      'a header signed by a key that is not an authority',
      'UnknownAuthor',
      (chain) => resign({ ...chain.blocks[0]!.header, author: mallory.publicKey }, mallory.secretSeed),
    ],
    [
      'a broken parent link',
      'WrongParent',
      (chain) => resign({ ...chain.blocks[0]!.header, parentHash: new Uint8Array(32).fill(7) }),
    ],
    [
      'a timestamp not above its parent',
      'TimestampNotIncreasing',
      (chain) => resign({ ...chain.blocks[0]!.header, timestamp: chain.genesis.timestamp }),
    ],
    ['a header out of order', 'WrongNumber', (chain) => chain.blocks[1]!],
    [
      'a malformed header',
      'MalformedHeader',
      (chain) => ({
        header: { ...chain.blocks[0]!.header, stateRoot: new Uint8Array(3) },
        signature: chain.blocks[0]!.signature,
      }),
    ],
  ];
  for (const [what, code, make] of refusals) {
    it(`refuses ${what} with ${code} and keeps its head`, () => {
      const chain = buildChain(2);
      const client = clientFor(chain);
      const before = client.head();
      assert.throws(() => client.importHeader(make(chain)), { name: 'LightClientError', code });
      assert.equal(client.head(), before);
      // Still follows the real chain afterwards.
      client.importHeader(chain.blocks[0]!);
      assert.equal(client.head().header.number, 1);
    });
  }

  it('refuses an authority-signed header dated 2^62 ms, which full nodes refuse, and keeps its head', () => {
    const chain = buildChain(2);
    const client = clientFor(chain);
    client.importHeader(chain.blocks[0]!);
    const before = client.head();
    const farFuture = resign({ ...chain.blocks[1]!.header, timestamp: 1n << 62n });
    assert.throws(() => client.importHeader(farFuture), {
      name: 'LightClientError',
      code: 'TimestampStepTooLarge',
    });
    assert.equal(client.head(), before);
    // The step bound is the same one full nodes apply: exactly MAX_TIMESTAMP_STEP_MS is a valid step.
    const parent = before.header;
    const edge = resign({ ...chain.blocks[1]!.header, timestamp: parent.timestamp + MAX_TIMESTAMP_STEP_MS });
    client.importHeader(edge);
    assert.equal(client.head().header.number, 2);
  });

  it('keeps the step bound on block 1 when the host later undates the genesis header it passed', () => {
    const chain = buildChain(1);
    const genesisHeader = { ...chain.genesis };
    const client = createLightClient({
      genesisHash: chain.genesisHash,
      genesisHeader,
      authorities: [alice.publicKey],
    });
    genesisHeader.timestamp = 0n;
    const farFuture = resign({ ...chain.blocks[0]!.header, timestamp: 1n << 62n });
    assert.throws(() => client.importHeader(farFuture), { code: 'TimestampStepTooLarge' });
    client.importHeader(chain.blocks[0]!);
  });

  it('accepts a storage proof against an accepted header and refuses one with a wrong value', () => {
    const chain = buildChain(1);
    const client = clientFor(chain);
    const hash = client.importHeader(chain.blocks[0]!);
    const { value, proof } = proveKey(chain.store, chain.stateRoot, STATE_KEY);
    assert.deepEqual(client.verifyStorage(hash, STATE_KEY, value, proof), Uint8Array.of(1));
    assert.throws(() => client.verifyStorage(hash, STATE_KEY, Uint8Array.of(2), proof), {
      code: 'InvalidProof',
    });
    assert.throws(() => client.verifyStorage(hash, STATE_KEY, undefined, proof), { code: 'InvalidProof' });
    // Proven absence is an answer too; claiming absence of a present key is not.
    const absentKey = WorkerStates.keyOf(utf8('x'.repeat(32)));
    const absent = proveKey(chain.store, chain.stateRoot, absentKey);
    assert.equal(client.verifyStorage(hash, absentKey, undefined, absent.proof), undefined);
    assert.throws(() => client.verifyStorage(new Uint8Array(32), STATE_KEY, value, proof), {
      code: 'UnknownBlock',
    });
  });
});

describe('light client checkpoint', () => {
  it('counts the headers it verified, and not the ones it refused', () => {
    const chain = buildChain(3);
    const client = clientFor(chain);
    assert.equal(client.verifiedHeaders(), 0);
    client.importHeader(chain.blocks[0]!);
    assert.throws(() => client.importHeader(chain.blocks[2]!), { code: 'WrongNumber' });
    client.importHeader(chain.blocks[1]!);
    assert.equal(client.verifiedHeaders(), 2);
  });

  it('resumes from a checkpoint at its head and verifies only the headers after it', () => {
    const chain = buildChain(6);
    const first = clientFor(chain);
    for (const block of chain.blocks.slice(0, 4)) first.importHeader(block);
    const resumed = resumeLightClient(first.checkpoint());
    assert.deepEqual(resumed.head(), first.head());
    assert.deepEqual(resumed.genesisHash, chain.genesisHash);
    assert.equal(resumed.verifiedHeaders(), 0);
    for (const block of chain.blocks.slice(4)) resumed.importHeader(block);
    assert.equal(resumed.verifiedHeaders(), 2);
    assert.deepEqual(resumed.head().hash, hashHeader(chain.blocks[5]!.header));
    // The head it resumed at serves storage proofs, as an accepted header does.
    assert.ok(resumed.header(first.head().hash));
  });

  it('checks a resumed chain like any other: a header off its head or signed by a stranger is refused', () => {
    const chain = buildChain(3);
    const first = clientFor(chain);
    first.importHeader(chain.blocks[0]!);
    const resumed = resumeLightClient(first.checkpoint());
    const before = resumed.head();
    const otherBranch = resign({ ...chain.blocks[1]!.header, parentHash: new Uint8Array(32).fill(9) });
    assert.throws(() => resumed.importHeader(otherBranch), { code: 'WrongParent' });
    const stranger = resign({ ...chain.blocks[1]!.header, author: mallory.publicKey }, mallory.secretSeed);
    assert.throws(() => resumed.importHeader(stranger), { code: 'UnknownAuthor' });
    assert.equal(resumed.head(), before);
    assert.equal(resumed.verifiedHeaders(), 0);
  });

  it('hands out a checkpoint that later changes to the client cannot reach, nor changes to it the client', () => {
    const chain = buildChain(2);
    const client = clientFor(chain);
    client.importHeader(chain.blocks[0]!);
    const checkpoint = client.checkpoint();
    client.importHeader(chain.blocks[1]!);
    assert.equal(checkpoint.head.number, 1);
    (checkpoint.head.parentHash as Uint8Array).fill(0);
    (checkpoint.authorities[0] as Uint8Array).fill(0);
    assert.deepEqual(client.checkpoint().authorities, [alice.publicKey]);
  });

  it('refuses a malformed checkpoint with CheckpointInvalid and a block-0 one of another genesis', () => {
    const chain = buildChain(1);
    const good = clientFor(chain).checkpoint();
    assert.throws(() => resumeLightClient({ ...good, genesisHash: new Uint8Array(3) }), {
      code: 'CheckpointInvalid',
    });
    assert.throws(
      () => resumeLightClient({ ...good, head: { ...good.head, stateRoot: new Uint8Array(1) } }),
      { code: 'CheckpointInvalid' },
    );
    assert.throws(() => resumeLightClient({ ...good, authorities: [] }), { code: 'NoAuthorities' });
    assert.throws(() => resumeLightClient({ ...good, genesisHash: new Uint8Array(32).fill(4) }), {
      code: 'GenesisMismatch',
    });
  });
});

/**
 * A chain whose block 1 (sealed by alice, the genesis authority) leaves `afterChange` under
 * `system.Authorities` in its state (null: no such key), as `system.setAuthorities` in block 1 does.
 * `next(key)` is a block 2 on it sealed by `key`; `proof()` proves the authorities in block 1's state.
 */
function buildChangingChain(afterChange: Uint8Array | null = Authorities.valueCodec.enc([bob.publicKey])) {
  const store = createMemoryNodeStore();
  const commit = (root: Uint8Array, changes: { key: Uint8Array; value: Uint8Array | null }[]) => {
    const update = updateTrie(store, root, changes);
    for (const node of update.nodes) store.put(node.hash, node.bytes);
    return update.root;
  };
  const genesisRoot = commit(EMPTY_ROOT, [
    { key: Authorities.key, value: Authorities.valueCodec.enc([alice.publicKey]) },
    { key: STATE_KEY, value: Uint8Array.of(1) },
  ]);
  const changedRoot = commit(genesisRoot, [{ key: Authorities.key, value: afterChange }]);
  const genesis: Header = {
    parentHash: new Uint8Array(32),
    number: 0,
    timestamp: 1_000n,
    stateRoot: genesisRoot,
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: new Uint8Array(32),
  };
  const first: Header = {
    ...genesis,
    parentHash: hashHeader(genesis),
    number: 1,
    timestamp: 2_000n,
    stateRoot: changedRoot,
    author: alice.publicKey,
  };
  const client = () => {
    const { value, proof } = proveKey(store, genesisRoot, Authorities.key);
    const authorities = readGenesisAuthorities(hashHeader(genesis), genesis, value, proof);
    const lightClient = createLightClient({
      genesisHash: hashHeader(genesis),
      genesisHeader: genesis,
      authorities,
    });
    lightClient.importHeader(resign(first));
    return lightClient;
  };
  const next = (key: typeof alice): SignedHeader =>
    resign(
      { ...first, parentHash: hashHeader(first), number: 2, timestamp: 3_000n, author: key.publicKey },
      key.secretSeed,
    );
  const proof = (): AuthorityProof => proveKey(store, changedRoot, Authorities.key);
  return { client, next, proof, first };
}

describe('light client authority changes', () => {
  it('adopts the set proven in its head state, then refuses the removed authority and accepts the new one', () => {
    const chain = buildChangingChain();
    const client = chain.client();
    assert.deepEqual(client.authorities(), [alice.publicKey]);
    assert.deepEqual(client.adoptAuthorities(chain.proof()), [bob.publicKey]);
    assert.deepEqual(client.authorities(), [bob.publicKey]);
    assert.throws(() => client.importHeader(chain.next(alice)), {
      name: 'LightClientError',
      code: 'UnknownAuthor',
    });
    assert.equal(client.head().header.number, 1);
    client.importHeader(chain.next(bob));
    assert.equal(client.head().header.number, 2);
  });

  it('refuses a header by a new authority without a proof as UnknownAuthor, and accepts it with the proof of its parent state', () => {
    const chain = buildChangingChain();
    const client = chain.client();
    assert.throws(() => client.importHeader(chain.next(bob)), { code: 'UnknownAuthor' });
    assert.deepEqual(client.authorities(), [alice.publicKey]);
    client.importHeader(chain.next(bob), chain.proof());
    assert.equal(client.head().header.number, 2);
    assert.deepEqual(client.authorities(), [bob.publicKey]);
    assert.deepEqual(client.checkpoint().authorities, [bob.publicKey]);
  });

  it('keeps its old set when the header fails after a valid proof: a refused header changes nothing', () => {
    const chain = buildChangingChain();
    const client = chain.client();
    const before = client.head();
    const forged = { ...chain.next(bob), signature: chain.next(alice).signature };
    assert.throws(() => client.importHeader(forged, chain.proof()), { code: 'BadSignature' });
    const offBranch = resign(
      { ...chain.next(bob).header, parentHash: new Uint8Array(32).fill(3) },
      bob.secretSeed,
    );
    assert.throws(() => client.importHeader(offBranch, chain.proof()), { code: 'WrongParent' });
    assert.equal(client.head(), before);
    assert.deepEqual(client.authorities(), [alice.publicKey]);
    assert.equal(client.verifiedHeaders(), 1);
  });

  const badProofs: [
    string,
    string,
    () => { chain: ReturnType<typeof buildChangingChain>; proof: AuthorityProof },
  ][] = [
    [
      'a value its proof does not prove',
      'InvalidProof',
      () => {
        const chain = buildChangingChain();
        return { chain, proof: { ...chain.proof(), value: Authorities.valueCodec.enc([mallory.publicKey]) } };
      },
    ],
    [
      'a proof of another state',
      'InvalidProof',
      () => {
        const chain = buildChangingChain();
        const other = buildChangingChain(Authorities.valueCodec.enc([mallory.publicKey]));
        return { chain, proof: other.proof() };
      },
    ],
    [
      'no proof nodes at all',
      'InvalidProof',
      () => ({ chain: buildChangingChain(), proof: { value: undefined, proof: [] } }),
    ],
    [
      'bytes that are no authority list',
      'MalformedValue',
      () => {
        const chain = buildChangingChain(Uint8Array.of(0xff, 1, 2));
        return { chain, proof: chain.proof() };
      },
    ],
    [
      'an empty list',
      'NoAuthorities',
      () => {
        const chain = buildChangingChain(Authorities.valueCodec.enc([]));
        return { chain, proof: chain.proof() };
      },
    ],
    [
      'a state without the key',
      'NoAuthorities',
      () => {
        const chain = buildChangingChain(null);
        return { chain, proof: chain.proof() };
      },
    ],
  ];
  for (const [what, code, make] of badProofs) {
    it(`refuses an authority proof of ${what} with ${code}, keeping its head and set`, () => {
      const { chain, proof } = make();
      const client = chain.client();
      const before = client.head();
      assert.throws(() => client.importHeader(chain.next(bob), proof), { name: 'LightClientError', code });
      assert.throws(() => client.adoptAuthorities(proof), { name: 'LightClientError', code });
      assert.equal(client.head(), before);
      assert.deepEqual(client.authorities(), [alice.publicKey]);
      // Still follows the chain with the set it had.
      client.importHeader(chain.next(alice));
      assert.equal(client.head().header.number, 2);
    });
  }

  it('hands out its set as copies, and resumes from a checkpoint with the set it adopted', () => {
    const chain = buildChangingChain();
    const client = chain.client();
    client.adoptAuthorities(chain.proof());
    (client.authorities()[0] as Uint8Array).fill(0);
    assert.deepEqual(client.authorities(), [bob.publicKey]);
    const resumed = resumeLightClient(client.checkpoint());
    assert.deepEqual(resumed.authorities(), [bob.publicKey]);
    assert.throws(() => resumed.importHeader(chain.next(alice)), { code: 'UnknownAuthor' });
    resumed.importHeader(chain.next(bob));
    assert.equal(resumed.head().header.number, 2);
  });
});
