import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Header, hashHeader, listRoot, type SignedHeader, signHeader } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { ed25519Sign, ed25519Verify } from '../../codec/keys.js';
import {
  createMemoryNodeStore,
  EMPTY_ROOT,
  proveKey,
  type TrieChange,
  updateTrie,
} from '../../codec/trie/index.js';
import { Sessions } from '../../runtime/computation/storage.js';
import { heartbeatPayload, type PendingChallenge, type Session } from '../../runtime/computation/types.js';
import { Authorities, BlockHashes } from '../../runtime/system/storage.js';
import { createHeartbeatSigner, type HeartbeatAnswer } from './createHeartbeatSigner.js';
import {
  createLightClient,
  type LightClient,
  LightClientError,
  readGenesisAuthorities,
} from './lightClient.js';

const alice = devKeypair('alice');
const worker = devKeypair('worker-under-test');
const other = devKeypair('another-worker');
const CHALLENGE_BLOCK = 3;
const DEADLINE = 13;

function session(pending: PendingChallenge | undefined, extra: Partial<Session> = {}): Session {
  return {
    state: 'Serving',
    id: 2,
    operator: devKeypair('dave').publicKey,
    startedAt: 1,
    pending,
    lastChallengeBlock: pending?.block ?? 1,
    lastChallengeMs: 0n,
    lastHeartbeatBlock: 0,
    lastAnswered: 0,
    lastMissed: 0,
    strikes: 0,
    misses: 0,
    contracts: 1,
    weight: 1000n,
    rewardIndex: 0n,
    rewards: 0n,
    poolSlot: 1,
    cooldownEnds: 0,
    ...extra,
  };
}

/**
 * A small chain over a real state trie, headers signed by alice, written as the runtime writes it:
 * block 3's state holds the worker's session with a challenge at block 3 (due at 13) and the other
 * worker's session without one; block 4's adds `system.BlockHashes[3]`.
 */
function buildChain(
  length: number,
  sessionOfWorker: Session | null = session({ block: CHALLENGE_BLOCK, deadline: DEADLINE }),
) {
  const store = createMemoryNodeStore();
  const commit = (root: Uint8Array, changes: TrieChange[]) => {
    const update = updateTrie(store, root, changes);
    for (const node of update.nodes) store.put(node.hash, node.bytes);
    return update.root;
  };
  const genesisRoot = commit(EMPTY_ROOT, [
    { key: Authorities.key, value: Authorities.valueCodec.enc([alice.publicKey]) },
  ]);
  const genesis: Header = {
    parentHash: new Uint8Array(32),
    number: 0,
    timestamp: 1_000n,
    stateRoot: genesisRoot,
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: new Uint8Array(32),
  };
  const blocks: SignedHeader[] = [];
  let parent = genesis;
  let stateRoot = genesisRoot;
  for (let number = 1; number <= length; number++) {
    if (number === CHALLENGE_BLOCK) {
      const changes: TrieChange[] = [
        { key: Sessions.keyOf(other.publicKey), value: Sessions.valueCodec.enc(session(undefined)) },
      ];
      if (sessionOfWorker) {
        changes.push({
          key: Sessions.keyOf(worker.publicKey),
          value: Sessions.valueCodec.enc(sessionOfWorker),
        });
      }
      stateRoot = commit(stateRoot, changes);
    } else if (number === CHALLENGE_BLOCK + 1) {
      stateRoot = commit(stateRoot, [
        { key: BlockHashes.keyOf(CHALLENGE_BLOCK), value: BlockHashes.valueCodec.enc(hashHeader(parent)) },
      ]);
    }
    const header: Header = {
      ...parent,
      parentHash: hashHeader(parent),
      number,
      timestamp: parent.timestamp + 1000n,
      stateRoot,
      author: alice.publicKey,
    };
    blocks.push({ header, signature: signHeader(header, alice.secretSeed) });
    parent = header;
  }
  const genesisHash = hashHeader(genesis);
  const prove = (header: Header, key: Uint8Array) => proveKey(store, header.stateRoot, key);
  const lightClient = (retainHeaders = 256): LightClient => {
    const { value, proof } = proveKey(store, genesis.stateRoot, Authorities.key);
    const authorities = readGenesisAuthorities(genesisHash, genesis, value, proof);
    const client = createLightClient({ genesisHash, genesisHeader: genesis, authorities, retainHeaders });
    for (const block of blocks) client.importHeader(block);
    return client;
  };
  return {
    genesisHash,
    blocks,
    prove,
    lightClient,
    hashOf: (n: number) => hashHeader(blocks[n - 1]!.header),
  };
}

function signerFor(keypair = worker) {
  let signatures = 0;
  const signer = createHeartbeatSigner({
    pubkey: keypair.publicKey,
    sign: (message) => {
      signatures++;
      return ed25519Sign(keypair.secretSeed, message);
    },
    iterations: () => 4242n,
  });
  return { signer, signatures: () => signatures };
}

function heartbeatOf(answer: HeartbeatAnswer) {
  assert.equal(answer.kind, 'Heartbeat');
  return (answer as Extract<HeartbeatAnswer, { kind: 'Heartbeat' }>).heartbeat;
}

describe('the enclave core signs heartbeats', () => {
  it('signs the open challenge it reads from a proven session, with the challenge block hash from its verified headers', () => {
    const chain = buildChain(8);
    const lc = chain.lightClient();
    const head = lc.head();
    const { signer } = signerFor();
    const answer = signer.answer(lc, {
      at: head.hash,
      session: chain.prove(head.header, Sessions.keyOf(worker.publicKey)),
    });
    const heartbeat = heartbeatOf(answer);
    const { signature, ...body } = heartbeat;
    assert.deepEqual(body, {
      worker: worker.publicKey,
      session: 2,
      challengeBlock: CHALLENGE_BLOCK,
      challengeBlockHash: chain.hashOf(CHALLENGE_BLOCK),
      iterations: 4242n,
      contracts: 1,
    });
    assert.ok(ed25519Verify(worker.publicKey, heartbeatPayload(chain.genesisHash, body), signature));
    assert.equal(answer.at, 8);
  });

  it('answers at the challenge block itself, whose hash is the proven header’s own', () => {
    const chain = buildChain(CHALLENGE_BLOCK);
    const lc = chain.lightClient();
    const head = lc.head();
    // The challenge opened in the head's own state: its hash is in no state yet.
    const { signer } = signerFor();
    const answer = signer.answer(lc, {
      at: head.hash,
      session: chain.prove(head.header, Sessions.keyOf(worker.publicKey)),
    });
    assert.deepEqual(heartbeatOf(answer).challengeBlockHash, chain.hashOf(CHALLENGE_BLOCK));
  });

  it('refuses a session the host altered (another challenge block) and signs nothing', () => {
    const chain = buildChain(8);
    const lc = chain.lightClient();
    const head = lc.head();
    const real = chain.prove(head.header, Sessions.keyOf(worker.publicKey));
    const forged = Sessions.valueCodec.enc(session({ block: 7, deadline: 17 }));
    const { signer, signatures } = signerFor();
    assert.throws(
      () => signer.answer(lc, { at: head.hash, session: { value: forged, proof: real.proof } }),
      (error: unknown) => error instanceof LightClientError && error.code === 'InvalidProof',
    );
    // Nor can the host hide the challenge by claiming the session is absent.
    assert.throws(
      () => signer.answer(lc, { at: head.hash, session: { value: undefined, proof: real.proof } }),
      (error: unknown) => error instanceof LightClientError && error.code === 'InvalidProof',
    );
    assert.equal(signatures(), 0);
  });

  it('refuses another worker’s session proof, proofs against a block it never accepted, and malformed proofs', () => {
    const chain = buildChain(8);
    const lc = chain.lightClient();
    const head = lc.head();
    const { signer, signatures } = signerFor();
    const others = chain.prove(head.header, Sessions.keyOf(other.publicKey));
    assert.throws(
      () => signer.answer(lc, { at: head.hash, session: others }),
      (error: unknown) => error instanceof LightClientError && error.code === 'InvalidProof',
    );
    const unknownBlock = new Uint8Array(32).fill(9);
    assert.throws(
      () =>
        signer.answer(lc, {
          at: unknownBlock,
          session: chain.prove(head.header, Sessions.keyOf(worker.publicKey)),
        }),
      (error: unknown) => error instanceof LightClientError && error.code === 'UnknownBlock',
    );
    assert.throws(
      () => signer.answer(lc, { at: head.hash, session: { value: undefined, proof: 'nope' as never } }),
      (error: unknown) => error instanceof LightClientError && error.code === 'InvalidProof',
    );
    assert.equal(signatures(), 0);
  });

  it('asks for a proof of the challenge block hash once the header left its window, and refuses a wrong one', () => {
    const chain = buildChain(8);
    // Keeps only the last two headers: block 3 is gone, as after a restart from a later checkpoint.
    const lc = chain.lightClient(2);
    const head = lc.head();
    const sessionProof = chain.prove(head.header, Sessions.keyOf(worker.publicKey));
    const { signer, signatures } = signerFor();
    const first = signer.answer(lc, { at: head.hash, session: sessionProof });
    assert.equal(first.kind, 'NeedsBlockHash');
    const hashProof = chain.prove(head.header, BlockHashes.keyOf(CHALLENGE_BLOCK));
    const wrongHash = BlockHashes.valueCodec.enc(new Uint8Array(32).fill(7));
    assert.throws(
      () =>
        signer.answer(lc, {
          at: head.hash,
          session: sessionProof,
          challengeBlockHash: { value: wrongHash, proof: hashProof.proof },
        }),
      (error: unknown) => error instanceof LightClientError && error.code === 'InvalidProof',
    );
    // The proof of another block's hash slot (proven absent) does not stand in for it either.
    const otherSlot = chain.prove(head.header, BlockHashes.keyOf(CHALLENGE_BLOCK + 1));
    assert.throws(
      () => signer.answer(lc, { at: head.hash, session: sessionProof, challengeBlockHash: otherSlot }),
      (error: unknown) => error instanceof LightClientError && error.code === 'InvalidProof',
    );
    assert.equal(signatures(), 0);
    const answer = signer.answer(lc, { at: head.hash, session: sessionProof, challengeBlockHash: hashProof });
    assert.deepEqual(heartbeatOf(answer).challengeBlockHash, chain.hashOf(CHALLENGE_BLOCK));
  });

  it('signs nothing without a session, without an open challenge, or past the deadline', () => {
    const none = buildChain(6, null);
    const { signer, signatures } = signerFor();
    const lcNone = none.lightClient();
    const noSession = signer.answer(lcNone, {
      at: lcNone.head().hash,
      session: none.prove(lcNone.head().header, Sessions.keyOf(worker.publicKey)),
    });
    assert.equal(noSession.kind, 'NoSession');

    const quiet = buildChain(6, session(undefined));
    const lcQuiet = quiet.lightClient();
    const notChallenged = signer.answer(lcQuiet, {
      at: lcQuiet.head().hash,
      session: quiet.prove(lcQuiet.head().header, Sessions.keyOf(worker.publicKey)),
    });
    assert.equal(notChallenged.kind, 'NotChallenged');

    const late = buildChain(DEADLINE + 1);
    const lcLate = late.lightClient();
    const passed = signer.answer(lcLate, {
      at: lcLate.head().hash,
      session: late.prove(lcLate.head().header, Sessions.keyOf(worker.publicKey)),
    });
    assert.equal(passed.kind, 'DeadlinePassed');
    // At the deadline block itself a heartbeat still counts.
    const atDeadline = lcLate.header(late.hashOf(DEADLINE))!;
    const onTime = signer.answer(lcLate, {
      at: atDeadline.hash,
      session: late.prove(atDeadline.header, Sessions.keyOf(worker.publicKey)),
    });
    assert.equal(onTime.kind, 'Heartbeat');
    assert.equal(signatures(), 1);
  });

  it('refuses a proven challenge from a block after the one it was proven at', () => {
    // Proven at block 3, a challenge "at block 9": not a state the chain writes.
    const chain = buildChain(6, session({ block: 9, deadline: 19 }));
    const lc = chain.lightClient();
    const at = lc.header(chain.hashOf(CHALLENGE_BLOCK))!;
    const { signer, signatures } = signerFor();
    assert.throws(
      () =>
        signer.answer(lc, { at: at.hash, session: chain.prove(at.header, Sessions.keyOf(worker.publicKey)) }),
      (error: unknown) => (error as { code?: string }).code === 'InvalidChallenge',
    );
    assert.equal(signatures(), 0);
  });
});
