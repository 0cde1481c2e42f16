// Issue 9's property: total issuance changes only by the rewards minted, and nothing else. A seeded
// random run of bonds, unbonds, withdrawals, sessions started and stopped, heartbeats answered and
// missed (so slashes and compensations), contracts deployed and undeployed, and transfers (some
// reaping their sender) checks after every block that the money in all accounts (free + reserved:
// stakes and deposits are reserved) equals TotalIssuance, and that TotalIssuance grew by exactly the
// `balances.Minted` events of the block. It also checks that each account's reserved balance is its
// stakes plus its contracts' deposits, and that assignments agree from both sides and with the
// sessions' contract counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { devKeypair, devSeed } from '../../codec/devKeys.js';
import { ed25519FromSeed, type Keypair } from '../../codec/keys.js';
import { Accounts } from '../balances/storage.js';
import { balancesCalls } from '../balances/types.js';
import { Assignments, Contracts, WorkerContracts } from '../contracts/storage.js';
import { contractsCalls } from '../contracts/types.js';
import { DEV_EXISTENTIAL_DEPOSIT, DEV_FLAT_FEE, DEV_MIN_STAKE } from '../genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../governance/types.js';
import { outcomeOf } from '../registry/testing.js';
import { Stakes } from '../staking/storage.js';
import { stakingCalls } from '../staking/types.js';
import { createTestChain, type TestChain } from '../testing.js';
import { getComputationConfig } from './queries.js';
import { Sessions } from './storage.js';
import { heartbeatFor, type SeededWorker, seedWorkers } from './testing.js';
import { computationCalls } from './types.js';

const BLOCKS = 400;
const SEED = 0x9e3779b9;

/** mulberry32: a small deterministic PRNG on 32-bit integers (no Math.random, so runs repeat). */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    /** An integer in 0..n-1. */
    below: (n: number): number => next() % n,
    /** A bigint in 0..n-1 (n < 2^64). */
    bigBelow: (n: bigint): bigint => ((BigInt(next()) << 32n) | BigInt(next())) % n,
    pick: <T>(items: readonly T[]): T => items[next() % items.length]!,
    chance: (percent: number): boolean => next() % 100 < percent,
  };
}

/** Decoded entries of a storage map, straight from the test chain's state. */
function* entriesOf<K, V>(
  chain: TestChain,
  map: { prefix: Uint8Array; decodeKey(key: Uint8Array): K; decodeValue(bytes: Uint8Array): V },
): Generator<[K, V]> {
  const prefix = Buffer.from(map.prefix).toString('hex');
  for (const [hex, value] of chain.state) {
    if (hex.startsWith(prefix)) yield [map.decodeKey(Buffer.from(hex, 'hex')), map.decodeValue(value)];
  }
}

function checkReserves(chain: TestChain): void {
  const expected = new Map<string, bigint>();
  const add = (who: Uint8Array, amount: bigint) => {
    if (amount > 0n) expected.set(toHex(who), (expected.get(toHex(who)) ?? 0n) + amount);
  };
  for (const [, ledger] of entriesOf(chain, Stakes)) {
    add(ledger.owner, ledger.active + ledger.unbonding.reduce((sum, chunk) => sum + chunk.amount, 0n));
  }
  for (const [, contract] of entriesOf(chain, Contracts)) add(contract.owner, contract.deposit);
  const reserved = new Map<string, bigint>();
  for (const [who, account] of entriesOf(chain, Accounts)) {
    if (account.reserved > 0n) reserved.set(toHex(who), account.reserved);
  }
  assert.deepEqual(reserved, expected, 'reserved balances are the stakes and deposits');
}

/** Assignments and WorkerContracts mirror each other, and each session counts what it holds. */
function checkAssignments(chain: TestChain): void {
  const fromContracts: string[] = [];
  for (const [id, workers] of entriesOf(chain, Assignments)) {
    assert.equal(new Set(workers.map(toHex)).size, workers.length, `distinct holders of ${id}`);
    for (const worker of workers) fromContracts.push(`${toHex(worker)}:${id}`);
  }
  const fromWorkers: string[] = [];
  for (const [worker, ids] of entriesOf(chain, WorkerContracts)) {
    for (const id of ids) fromWorkers.push(`${toHex(worker)}:${id}`);
  }
  assert.deepEqual(fromWorkers.sort(), fromContracts.sort());
  for (const [worker, session] of entriesOf(chain, Sessions)) {
    assert.equal(session.contracts, WorkerContracts.get(chain.reader, worker)?.length ?? 0, 'contract count');
  }
}

describe('total issuance', () => {
  it('changes only by the rewards minted, over a random run of every liveness operation', () => {
    const random = createRandom(SEED);
    const chain = createTestChain();
    chain.executeBlock([]);
    // Busier than the dev chain: challenges every few blocks, short windows and cool-downs.
    const liveness = {
      ...getComputationConfig(chain.reader),
      expectedHeartbeats: 3,
      maxChallengesPerHour: 120,
    };
    const tuned = { ...liveness, heartbeatWindow: 4, maxSilence: 12, cooldownBlocks: 8 };
    for (const call of [
      computationCalls.setConfig(tuned),
      stakingCalls.setConfig({ minStake: DEV_MIN_STAKE, unbondingBlocks: 8 }),
    ]) {
      assert.equal(outcomeOf(chain.applySigned('alice', governanceCalls.sudo(call))), 'ok');
    }
    const operators = (['bob', 'charlie', 'eve'] as const).map((name) => devKeypair(name));
    const workers: SeededWorker[] = operators.flatMap((operator, i) =>
      seedWorkers(chain, operator, 3, { prefix: `issuance-${i}`, score: 50 + 50 * i }),
    );
    // A fresh account moves money around and is sometimes swept below the existential deposit.
    const fresh = ed25519FromSeed(devSeed('issuance-fresh'));
    const owners = [devKeypair('dave'), devKeypair('ferdie'), fresh];
    const payers: Keypair[] = [...operators, ...owners, devKeypair('alice')];
    // Workers that answer challenges less readily (percent chance per block of an open challenge).
    const diligence = new Map(workers.map((worker) => [worker, random.pick([95, 60, 30, 10])]));

    const totals = () => ({
      sum: chain.sumOfBalances(),
      issuance: chain.runtime.queries.getTotalIssuance(chain.reader),
    });
    const seen = new Map<string, number>();
    let minted = 0n;
    for (let b = 0; b < BLOCKS; b++) {
      const calls: [Keypair, Call][] = [];
      for (const worker of workers) {
        const pending = Sessions.get(chain.reader, worker.identity.publicKey)?.pending;
        // The challenge block's hash is in state from the next block on.
        if (pending === undefined || pending.block >= chain.number || !random.chance(diligence.get(worker)!))
          continue;
        calls.push([worker.operator, heartbeatFor(chain, worker)!]);
      }
      for (let n = random.below(4); n > 0; n--) {
        const worker = random.pick(workers);
        const key = worker.identity.publicKey;
        switch (random.below(9)) {
          case 0:
            calls.push([
              worker.operator,
              stakingCalls.bond(key, DEV_MIN_STAKE / 2n + random.bigBelow(2n * DEV_MIN_STAKE)),
            ]);
            break;
          case 1:
            calls.push([worker.operator, stakingCalls.unbond(key, 1n + random.bigBelow(DEV_MIN_STAKE))]);
            break;
          case 2:
            calls.push([worker.operator, stakingCalls.withdraw(key)]);
            break;
          case 3:
            calls.push([worker.operator, computationCalls.start(key)]);
            break;
          case 4:
            if (random.chance(30)) calls.push([worker.operator, computationCalls.stop(key)]);
            break;
          case 5:
            calls.push([
              random.pick(owners),
              contractsCalls.deploy(new Uint8Array(32).fill(b & 0xff), 1 + random.below(4)),
            ]);
            break;
          case 6: {
            const ids = [...entriesOf(chain, Contracts)];
            if (ids.length === 0) break;
            const [id, contract] = random.pick(ids);
            // Mostly its owner; now and then someone else, who is refused.
            const signer = random.chance(80)
              ? (owners.find((o) => toHex(o.publicKey) === toHex(contract.owner)) ?? fresh)
              : random.pick(payers);
            calls.push([signer, contractsCalls.undeploy(id)]);
            break;
          }
          case 7: {
            const from = random.pick(payers);
            const to = random.pick([...payers, fresh]);
            const free = chain.account(from).free;
            calls.push([
              from,
              balancesCalls.transfer({ dest: to.publicKey, amount: random.bigBelow(free / 4n + 1n) }),
            ]);
            break;
          }
          case 8: {
            // Sweep the fresh account: what is left after the fee is below the deposit, so it is reaped.
            const { free, reserved } = chain.account(fresh);
            if (reserved > 0n || free < DEV_EXISTENTIAL_DEPOSIT + DEV_FLAT_FEE) break;
            const amount = free - DEV_FLAT_FEE - DEV_EXISTENTIAL_DEPOSIT / 2n;
            calls.push([fresh, balancesCalls.transfer({ dest: devKeypair('alice').publicKey, amount })]);
            break;
          }
        }
      }
      // Nonces from the chain, counted within the block (an extrinsic left out only shifts its signer's rest).
      const nonces = new Map<string, number>();
      const extrinsics = calls.map(([signer, call]) => {
        const id = toHex(signer.publicKey);
        const nonce =
          nonces.get(id) ?? chain.runtime.queries.getAccount(chain.reader, signer.publicKey).nonce;
        nonces.set(id, nonce + 1);
        return chain.sign(signer, call, nonce);
      });

      const before = totals();
      const { execution } = chain.executeBlock(extrinsics);
      const events = execution.events.map(chain.runtime.decodeEvent);
      let mintedHere = 0n;
      for (const event of events) {
        const name = `${event.module}.${event.name}`;
        seen.set(name, (seen.get(name) ?? 0) + 1);
        if (name === 'balances.Minted') mintedHere += BigInt(event.data.amount as string);
      }
      const after = totals();
      assert.equal(after.sum, after.issuance, `block ${chain.number}: accounts sum to the issuance`);
      assert.equal(
        after.issuance - before.issuance,
        mintedHere,
        `block ${chain.number}: issuance grew by the mints`,
      );
      minted += mintedHere;
      checkReserves(chain);
      checkAssignments(chain);
    }

    // The run did exercise what the property is about (a run that did nothing proves nothing).
    assert.ok(minted > 0n);
    for (const name of [
      'balances.Minted',
      'staking.Bonded',
      'staking.Unbonded',
      'staking.Withdrawn',
      'staking.StakeSlashed',
      'computation.SessionStarted',
      'computation.HeartbeatAccepted',
      'computation.HeartbeatMissed',
      'contracts.Deployed',
      'contracts.Undeployed',
      'contracts.Compensated',
      'balances.Transferred',
      'balances.Reaped',
    ]) {
      assert.ok((seen.get(name) ?? 0) > 0, `no ${name} in the run`);
    }
  });
});
