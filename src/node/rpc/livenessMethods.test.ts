// The staking, computation and contracts RPC methods as a real node serves them: a node whose genesis
// holds three Provisioned, benchmarked workers, real extrinsics (bond, start, deploy, a heartbeat)
// sealed by hand, and the typed client over a real RPC server on loopback, HTTP for the methods and
// WebSocket for the event subscription, which must carry the liveness events decoded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { createWsClient } from '../../client/createWsClient.js';
import { discover } from '../../client/discover.js';
import type { BlockEvents } from '../../client/fromJson.js';
import { getBlockHash } from '../../client/getBlockHash.js';
import { subscribeEvents } from '../../client/subscribeEvents.js';
import type { RpcClient, WsRpcClient } from '../../client/types.js';
import { encodeAddress } from '../../codec/address.js';
import { hexToBytes, toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { RpcError } from '../../codec/errors.js';
import { ed25519Sign } from '../../codec/keys.js';
import { computationRpc } from '../../runtime/computation/schemas.js';
import type { SeededWorker } from '../../runtime/computation/testing.js';
import { computationCalls, heartbeatPayload } from '../../runtime/computation/types.js';
import { contractsRpc } from '../../runtime/contracts/schemas.js';
import { contractsCalls } from '../../runtime/contracts/types.js';
import { DEV_HEARTBEAT_WINDOW, DEV_MIN_STAKE } from '../../runtime/genesis/createDevGenesisConfig.js';
import { stakingRpc } from '../../runtime/staking/schemas.js';
import { stakingCalls } from '../../runtime/staking/types.js';
import { type SeededNode, startSeededNode } from '../testing/startSeededNode.js';

const bob = devKeypair('bob');
const charlie = devKeypair('charlie');
const CODE_HASH = new Uint8Array(32).fill(0xc0);

describe('liveness RPC methods on a real node', () => {
  let chain: SeededNode;
  let w0: SeededWorker;
  let w1: SeededWorker;
  let w2: SeededWorker;
  const hex = (worker: SeededWorker) => toHex(worker.identity.publicKey);
  let http: RpcClient;
  let ws: WsRpcClient;
  const blocks: BlockEvents[] = [];
  let unsubscribe: () => Promise<void>;

  /** Seals one block (by hand: no timer runs) and asserts every extrinsic in it succeeded. */
  async function seal(): Promise<void> {
    const outcomes = await chain.seal();
    assert.ok(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes),
    );
  }

  const events = (module: string, name: string) =>
    blocks.flatMap((b) => b.events).filter((e) => e.module === module && e.name === name);

  before(async () => {
    chain = await startSeededNode({ operator: bob, count: 3 });
    [w0, w1, w2] = chain.workers as [SeededWorker, SeededWorker, SeededWorker];
    http = createHttpClient(chain.url);
    ws = await createWsClient(chain.url.replace(/^http/, 'ws'));
    unsubscribe = await subscribeEvents(ws, (b) => void blocks.push(b));

    // bob bonds all three workers and starts two; charlie deploys a contract on one replica.
    for (const worker of chain.workers) {
      await chain.submit(bob, stakingCalls.bond(worker.identity.publicKey, DEV_MIN_STAKE));
    }
    await chain.submit(bob, computationCalls.start(w0.identity.publicKey));
    await chain.submit(bob, computationCalls.start(w1.identity.publicKey));
    await seal();
    await chain.submit(charlie, contractsCalls.deploy(CODE_HASH, 1));
    await seal();
  });

  after(async () => {
    await unsubscribe();
    await ws.close();
    await http.close();
    await chain.close();
  });

  it('documents the five methods in rpc.discover, mounted from the modules', async () => {
    const names = (await discover(http)).methods.map((m) => m.name);
    for (const name of [
      'staking_getStake',
      'computation_getSession',
      'computation_listSessions',
      'computation_getChallenges',
      'contracts_getAssignments',
    ]) {
      assert.ok(names.includes(name), name);
    }
  });

  it("answers a bonded worker's stake, locked by its session, and null for a key with none", async () => {
    const stake = await callMethod(http, stakingRpc.getStake, hex(w0));
    assert.deepEqual(stake, {
      worker: hex(w0),
      owner: encodeAddress(bob.publicKey),
      active: DEV_MIN_STAKE.toString(),
      unbonding: [],
      locked: true,
      minStake: DEV_MIN_STAKE.toString(),
    });
    assert.equal((await callMethod(http, stakingRpc.getStake, hex(w2)))?.locked, false, 'w2 never started');
    // The phx1 form names the same key.
    assert.equal(
      (await callMethod(http, stakingRpc.getStake, encodeAddress(w0.identity.publicKey)))?.worker,
      hex(w0),
    );
    assert.equal(await callMethod(http, stakingRpc.getStake, toHex(new Uint8Array(32).fill(9))), null);
  });

  it('answers the workers holding the contract, one contract by id, and nothing for an unknown id', async () => {
    const all = await callMethod(http, contractsRpc.getAssignments);
    assert.equal(all.length, 1);
    const [contract] = all;
    assert.equal(contract?.contract, 0);
    assert.equal(contract?.owner, encodeAddress(charlie.publicKey));
    assert.equal(contract?.codeHash, toHex(CODE_HASH));
    assert.equal(contract?.replicas, 1);
    assert.equal(contract?.workers.length, 1);
    assert.ok([hex(w0), hex(w1)].includes(contract!.workers[0]!), 'only a worker in a session is drawn');
    assert.deepEqual(await callMethod(http, contractsRpc.getAssignments, 0), all);
    assert.deepEqual(await callMethod(http, contractsRpc.getAssignments, 7), []);
  });

  it('answers sessions one by one and in pages, filtered by state, and refuses an unknown state', async () => {
    const holder = (await callMethod(http, contractsRpc.getAssignments, 0))[0]!.workers[0]!;
    const session = await callMethod(http, computationRpc.getSession, holder);
    assert.equal(session?.state, 'Serving', 'a worker holding a contract serves');
    assert.equal(session?.operator, encodeAddress(bob.publicKey));
    assert.equal(session?.contracts, 1);
    assert.equal(session?.startedAt, 1);
    assert.equal(await callMethod(http, computationRpc.getSession, hex(w2)), null, 'w2 never started');

    const all = await callMethod(http, computationRpc.listSessions);
    const inOrder = [hex(w0), hex(w1)].sort();
    assert.deepEqual(
      all.sessions.map((s) => s.worker),
      inOrder,
    );
    assert.equal(all.next, null);
    const serving = await callMethod(http, computationRpc.listSessions, { state: 'Serving' });
    assert.deepEqual(
      serving.sessions.map((s) => s.worker),
      [holder],
    );
    const first = await callMethod(http, computationRpc.listSessions, { limit: 1 });
    assert.deepEqual(
      first.sessions.map((s) => s.worker),
      [inOrder[0]],
    );
    assert.equal(first.next, inOrder[0]);
    const second = await callMethod(http, computationRpc.listSessions, { startAfter: first.next!, limit: 1 });
    assert.deepEqual(
      second.sessions.map((s) => s.worker),
      [inOrder[1]],
    );
    const refused = await http.request('computation_listSessions', [{ state: 'Sleeping' }]).catch((e) => e);
    assert.ok(refused instanceof RpcError && refused.rpcCode === -32602, String(refused));
  });

  it('shows an open challenge with its deadline, then the heartbeat that answers it', async () => {
    // Each dev worker is challenged within maxSilence (40 blocks) of its start.
    let open: { worker: string; session: number; block: number; deadline: number } | undefined;
    for (let i = 0; i < 45 && open === undefined; i++) {
      await seal();
      open = (await callMethod(http, computationRpc.getChallenges)).pending[0];
    }
    assert.ok(open, 'a challenge within 45 blocks');
    assert.equal(open.deadline, open.block + DEV_HEARTBEAT_WINDOW);
    const atBlock = await callMethod(http, computationRpc.getChallenges, open.block);
    assert.equal(atBlock.block, open.block);
    assert.ok(atBlock.challenged.some((c) => c.worker === open.worker));
    assert.equal(atBlock.inSession, 2);
    assert.equal(
      (await callMethod(http, computationRpc.getSession, open.worker))?.pending?.block,
      open.block,
    );

    const worker = chain.workers.find((w) => hex(w) === open.worker)!;
    const session = (await callMethod(http, computationRpc.getSession, open.worker))!;
    const heartbeat = {
      worker: worker.identity.publicKey,
      session: open.session,
      challengeBlock: open.block,
      challengeBlockHash: (await getBlockHash(http, open.block))!,
      iterations: 1000n,
      contracts: session.contracts,
    };
    const signature = ed25519Sign(
      worker.identity.secretSeed,
      heartbeatPayload(chain.node.genesisHash, heartbeat),
    );
    await chain.submit(bob, computationCalls.heartbeat({ ...heartbeat, signature }));
    await seal();
    const after = (await callMethod(http, computationRpc.getSession, open.worker))!;
    assert.equal(after.lastHeartbeatBlock, chain.node.head().signed.header.number);
    assert.equal(after.pending, null);
    assert.ok(
      !(await callMethod(http, computationRpc.getChallenges)).pending.some((c) => c.worker === open.worker),
    );
  });

  it('carries the staking, computation and contracts events on the subscription, decoded', async () => {
    const head = chain.node.head().signed.header.number;
    for (let i = 0; i < 100 && blocks.at(-1)?.number !== head; i++)
      await new Promise((r) => setTimeout(r, 10));
    const bonded = events('staking', 'Bonded');
    assert.deepEqual(
      bonded.map((e) => e.fields.worker),
      chain.workers.map(hex),
    );
    assert.equal(bonded[0]?.fields.amount, DEV_MIN_STAKE.toString());
    assert.deepEqual(
      events('computation', 'SessionStarted').map((e) => e.fields.worker),
      [hex(w0), hex(w1)],
    );
    const deployed = events('contracts', 'Deployed');
    assert.equal(deployed.length, 1);
    assert.equal(deployed[0]?.fields.codeHash, toHex(CODE_HASH));
    assert.equal(events('contracts', 'Assigned').length, 1);
    const challenged = events('computation', 'Challenged');
    assert.ok(challenged.length >= 1);
    assert.equal(typeof challenged[0]?.fields.deadline, 'number');
    const accepted = events('computation', 'HeartbeatAccepted');
    assert.equal(accepted.length, 1);
    assert.ok(hexToBytes(accepted[0]!.fields.worker as string).length === 32);
  });
});
