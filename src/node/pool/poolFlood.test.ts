// Security finding 2 against a real node (the Phalanx runtime, a store on disk, blocks sealed by
// hand): fresh funded accounts queue nonces behind a gap, which used to fill the pool for good and
// for free, so that an honest transfer got `PoolFull`.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Call, hashExtrinsic, signExtrinsic } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { RpcError } from '../../codec/errors.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519FromSeed, type Keypair } from '../../codec/keys.js';
import { balancesCalls } from '../../runtime/balances/types.js';
import { DEV_EXISTENTIAL_DEPOSIT, DEV_FLAT_FEE } from '../../runtime/index.js';
import { systemCalls } from '../../runtime/system/types.js';
import { createNode, type Node } from '../createNode.js';
import { GENESIS_TIME, makeTempDir, testGenesis } from '../testing/nodeFixture.js';

const POOL_SIZE = 32;
const alice = devKeypair('alice');
const bob = devKeypair('bob');

function signed(node: Node, signer: Keypair, call: Call, nonce: number): Uint8Array {
  return signExtrinsic({
    genesisHash: node.genesisHash,
    signerSeed: signer.secretSeed,
    signer: signer.publicKey,
    nonce,
    call,
  });
}

function refusalOf(fn: () => unknown): RpcError | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RpcError, String(error));
    return error;
  }
  return undefined;
}

describe('a node whose pool is flooded with future nonces (security finding 2)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let node: Node;
  let aliceNonce: number;

  beforeEach(async () => {
    dir = makeTempDir();
    let now = GENESIS_TIME;
    node = createNode({
      dataDir: dir.path,
      genesis: testGenesis(),
      role: { kind: 'solo', authoritySeed: alice.secretSeed },
      blockIntervalMs: 1000,
      clock: () => {
        now += 1000;
        return now;
      },
      maxPoolSize: POOL_SIZE,
    });
    aliceNonce = 0;
  });
  afterEach(async () => {
    await node.stop();
    dir.remove();
  });

  /** Fresh accounts, each funded by alice with the deposit and `fees` transfer fees, in one block. */
  async function fund(count: number, fees: bigint, label: string): Promise<Keypair[]> {
    const accounts = Array.from({ length: count }, (_, i) =>
      ed25519FromSeed(blake2b256(new TextEncoder().encode(`${label}/${i}`))),
    );
    for (const account of accounts) {
      const amount = DEV_EXISTENTIAL_DEPOSIT + fees * DEV_FLAT_FEE;
      node.submitExtrinsic(
        signed(node, alice, balancesCalls.transfer({ dest: account.publicKey, amount }), aliceNonce++),
      );
    }
    await node.engine.step();
    const hash = node.head().hash;
    assert.deepEqual(
      node.getOutcomes(hash),
      accounts.map(() => ({ ok: true })),
    );
    return accounts;
  }

  it('still admits and includes an honest transfer, and evicts the waiting flood within blocks', async () => {
    const attackers = await fund(6, 20n, 'attacker');
    // Each attacker queues nonces 1..8 behind a gap at 0 that it never fills: 48 extrinsics, more
    // than the pool holds, none of which can ever be included or paid for.
    for (const attacker of attackers) {
      for (let nonce = 1; nonce <= 8; nonce++) {
        refusalOf(() =>
          node.submitExtrinsic(
            signed(node, attacker, balancesCalls.transfer({ dest: bob.publicKey, amount: 1n }), nonce),
          ),
        );
      }
    }
    const honest = signed(
      node,
      alice,
      balancesCalls.transfer({ dest: bob.publicKey, amount: 5n }),
      aliceNonce++,
    );
    assert.equal(
      refusalOf(() => node.submitExtrinsic(honest))?.code,
      undefined,
      'the honest transfer is admitted',
    );
    // The flood holds at most its share (a quarter of the pool); the rest stays for ready ones.
    assert.ok(node.chain.pool.futureSize <= POOL_SIZE / 4, `${node.chain.pool.futureSize} future`);

    await node.engine.step();
    const block = node.getBlock(node.head().hash)!;
    assert.deepEqual(block.extrinsics.map(hashExtrinsic), [hashExtrinsic(honest)]);
    assert.deepEqual(node.getOutcomes(node.head().hash), [{ ok: true }]);

    // The future entries never became ready; they are gone within their lifetime (8 blocks).
    for (let n = 0; n < 8; n++) await node.engine.step();
    assert.equal(node.health().pendingExtrinsics, 0);
    assert.equal(node.chain.pool.futureSize, 0);
  });

  it('refuses a sender whose queued fees would exceed what it can pay, with QueuedFeesExceedBalance', async () => {
    const [poor] = await fund(1, 3n, 'poor');
    // Three remarks (one transfer's fee each) fit its balance, ready and future alike.
    for (const nonce of [0, 1, 3])
      node.submitExtrinsic(signed(node, poor!, systemCalls.remark(Uint8Array.of(nonce)), nonce));
    const refusal = refusalOf(() =>
      node.submitExtrinsic(signed(node, poor!, systemCalls.remark(Uint8Array.of(2)), 2)),
    );
    assert.equal(refusal?.code, 'QueuedFeesExceedBalance');
    assert.equal(refusal?.rpcCode, 1011);
    assert.equal(node.health().pendingExtrinsics, 3);
    // What was admitted is payable: the two ready remarks are included and paid for.
    await node.engine.step();
    assert.deepEqual(node.getOutcomes(node.head().hash), [{ ok: true }, { ok: true }]);
  });
});
