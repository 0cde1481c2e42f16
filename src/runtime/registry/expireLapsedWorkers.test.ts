// Expiry that bites: the block hook marks lapsed registrations `Expired` from the expiry queue, and
// `isActiveWorker` is exact at the block of the lapse. Times: the test chain's block n is at
// 1_700_000_000_000 + 6000 n ms, which is 2000 ms past a 6-second expiry slot boundary.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSimPki } from '../../attestation/sim/index.js';
import { toHex } from '../../codec/bytes.js';
import type { StateReader } from '../api.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { Overlay } from '../support/overlay.js';
import { SystemErrors } from '../system/errors.js';
import type { TestChain } from '../testing.js';
import { EXPIRY_SLOT_MS, expireLapsedWorkers, expirySlot } from './expireLapsedWorkers.js';
import { getWorker } from './queries.js';
import { Expiries, WorkerStates } from './storage.js';
import {
  createRegistryTestChain,
  createTestWorker,
  outcomeOf,
  register,
  registerSimWorker,
  SIM_TEST_NOW,
  simEvidence,
  workerInfoFor,
} from './testing.js';
import { registryCalls, WorkerStateCodec } from './types.js';
import { isActiveWorker } from './workers.js';

const pki = createSimPki({ seed: Uint8Array.of(7, 3), now: SIM_TEST_NOW });

/** Registry events of the block's hooks (no extrinsic phase), as `name from→to` strings. */
function hookEvents(chain: TestChain, execution: { events: readonly { phase: number | undefined }[] }) {
  return execution.events
    .filter((event) => event.phase === undefined)
    .map((event) => chain.runtime.decodeEvent(event as Parameters<TestChain['runtime']['decodeEvent']>[0]))
    .filter((event) => event.module === 'registry')
    .map((event) => `${event.name} ${event.data.worker} ${event.data.from}->${event.data.to}`);
}

function expiresAtOf(chain: TestChain, pubkey: Uint8Array): bigint {
  return getWorker(chain.reader, pubkey)!.attestation.expiresAt;
}

/** Runs empty blocks until the next one is the first at or after `time`. */
function runUntilJustBefore(chain: TestChain, time: bigint): void {
  while (chain.nextBlockContext().timestamp < time) {
    const { execution } = chain.executeBlock([]);
    assert.deepEqual(hookEvents(chain, execution), [], 'nothing expires early');
  }
}

/** A hook context over `state` for the block after the chain's head. */
function hookContext(chain: TestChain, state: StateReader): RuntimeContext {
  return {
    state: new Overlay(state),
    block: chain.nextBlockContext(),
    phase: undefined,
    dispatcher: { calls: chain.runtime.calls, errors: SystemErrors },
  };
}

/** Counts the reads that reach `parent`. */
function countingReader(parent: StateReader): StateReader & { reads: number } {
  const reader = {
    reads: 0,
    get(key: Uint8Array) {
      reader.reads += 1;
      return parent.get(key);
    },
  };
  return reader;
}

describe('registry expiry (block hook)', () => {
  test('a worker lapses at exactly its expiry block: inactive there, and marked Expired with an event', () => {
    // 28 s after a registration at 2000 ms past a slot boundary is a boundary: the slot falls due
    // at the first block at or after the expiry.
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 28_000 } });
    const worker = createTestWorker('lapses', 'bob');
    const info = registerSimWorker(chain, pki, worker);
    const expiresAt = expiresAtOf(chain, info.pubkey);
    assert.equal(expiresAt % EXPIRY_SLOT_MS, 0n);

    runUntilJustBefore(chain, expiresAt);
    const head = chain.nextBlockContext().timestamp - 6000n; // the newest executed block's time
    assert.ok(head < expiresAt);
    assert.equal(isActiveWorker(chain.reader, info.pubkey, head), true);
    assert.equal(getWorker(chain.reader, info.pubkey)?.state, 'Registered');

    const block = chain.nextBlockContext();
    const { execution } = chain.executeBlock([]);
    assert.deepEqual(hookEvents(chain, execution), [
      `WorkerStateChanged ${toHex(info.pubkey)} Registered->Expired`,
    ]);
    assert.equal(getWorker(chain.reader, info.pubkey)?.state, 'Expired');
    assert.equal(isActiveWorker(chain.reader, info.pubkey, block.timestamp), false);
    // The bucket is gone with the entry it held.
    assert.deepEqual(Expiries.pending(chain.reader, expirySlot(expiresAt)), []);
  });

  test('between its lapse and its slot, a worker is already inactive; the slot marks it Expired', () => {
    // 30 s: the expiry is 2000 ms past a slot boundary, so its slot falls due one block later.
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 30_000 } });
    const worker = createTestWorker('lags', 'bob');
    const info = registerSimWorker(chain, pki, worker);
    const expiresAt = expiresAtOf(chain, info.pubkey);

    runUntilJustBefore(chain, expiresAt);
    const lapseBlock = chain.nextBlockContext();
    const { execution } = chain.executeBlock([]);
    assert.deepEqual(hookEvents(chain, execution), []);
    assert.equal(getWorker(chain.reader, info.pubkey)?.state, 'Registered');
    assert.equal(isActiveWorker(chain.reader, info.pubkey, lapseBlock.timestamp), false);

    // The next block passes the slot boundary, at most one slot after the lapse.
    const markBlock = chain.nextBlockContext();
    assert.ok(markBlock.timestamp >= expirySlot(expiresAt) * EXPIRY_SLOT_MS);
    assert.ok(markBlock.timestamp - expiresAt <= EXPIRY_SLOT_MS);
    const next = chain.executeBlock([]);
    assert.deepEqual(hookEvents(chain, next.execution), [
      `WorkerStateChanged ${toHex(info.pubkey)} Registered->Expired`,
    ]);
  });

  test('a worker that re-attested before its expiry outlives its old entry, and lapses at its new expiry', () => {
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 28_000 } });
    const worker = createTestWorker('renews', 'bob');
    const info = registerSimWorker(chain, pki, worker);
    const first = expiresAtOf(chain, info.pubkey);
    chain.executeBlock([]);
    const again = workerInfoFor(chain, worker);
    assert.equal(outcomeOf(register(chain, 'bob', again, simEvidence(pki, again))), 'ok');
    const second = expiresAtOf(chain, info.pubkey);
    assert.ok(second > first);

    // The old entry falls due and is skipped: still Registered, still active, no event.
    runUntilJustBefore(chain, first);
    const { execution } = chain.executeBlock([]);
    assert.deepEqual(hookEvents(chain, execution), []);
    assert.equal(getWorker(chain.reader, info.pubkey)?.state, 'Registered');
    assert.equal(isActiveWorker(chain.reader, info.pubkey, chain.nextBlockContext().timestamp), true);

    runUntilJustBefore(chain, second);
    const last = chain.executeBlock([]);
    assert.deepEqual(hookEvents(chain, last.execution), [
      `WorkerStateChanged ${toHex(info.pubkey)} Registered->Expired`,
    ]);
  });

  test('a Provisioned worker that re-attests after its lapse, before its slot, must be provisioned again', () => {
    // 30 s: the lapse is 2000 ms into its slot, so the re-attestation below comes before the hook.
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 30_000 } });
    const worker = createTestWorker('late-renewal', 'bob');
    const info = registerSimWorker(chain, pki, worker);
    // As a gatekeeper's provision leaves it (the gatekeeper module's tests cover provisioning).
    chain.state.set(
      Buffer.from(WorkerStates.keyOf(info.pubkey)).toString('hex'),
      WorkerStateCodec.enc('Provisioned'),
    );
    runUntilJustBefore(chain, expiresAtOf(chain, info.pubkey));
    const again = workerInfoFor(chain, worker);
    const report = register(chain, 'bob', again, simEvidence(pki, again));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(
      report.events.filter((event) => event.module === 'registry').map((event) => event.name),
      ['WorkerReattested', 'WorkerStateChanged'],
    );
    assert.deepEqual(report.events[2]?.data, {
      worker: toHex(info.pubkey),
      from: 'Provisioned',
      to: 'Registered',
    });
    assert.equal(getWorker(chain.reader, info.pubkey)?.state, 'Registered');
  });

  test("a block's expiry work grows with the entries that fall due, not with those waiting", () => {
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 28_000 } });
    // Registered in one block, so that both fall due in one slot.
    const infos = ['a', 'b'].map((name) => workerInfoFor(chain, createTestWorker(`due-${name}`, 'bob')));
    chain.executeBlock(
      infos.map((info) => chain.sign('bob', registryCalls.registerWorker(info, simEvidence(pki, info)))),
    );
    const expiresAt = expiresAtOf(chain, infos[1]!.pubkey);
    runUntilJustBefore(chain, expiresAt);

    const costOfDueBlock = (): { reads: number; taken: number; expired: number } => {
      const reader = countingReader(chain.reader);
      const pass = expireLapsedWorkers(hookContext(chain, reader));
      return { reads: reader.reads, ...pass };
    };
    const before = costOfDueBlock();
    assert.equal(before.expired, 2);

    // Five thousand registrations' worth of entries in later slots (written straight into the queue:
    // only their number matters here).
    const filler = new Overlay(chain.reader);
    const slot = expirySlot(expiresAt);
    for (let i = 0; i < 5000; i++) {
      const key = new Uint8Array(32);
      new DataView(key.buffer).setUint32(0, i);
      Expiries.schedule(filler, slot + 1n + BigInt(i % 100), key);
    }
    for (const [hex, { value }] of filler.changes()) {
      if (value === null) chain.state.delete(hex);
      else chain.state.set(hex, value);
    }
    assert.deepEqual(costOfDueBlock(), before);
  });

  test('carries over what one block had no budget for, and loses no expiry', () => {
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 28_000 } });
    // Registered in one block, so that all three fall due in one slot.
    const infos = ['p', 'q', 'r'].map((name) =>
      workerInfoFor(chain, createTestWorker(`budget-${name}`, 'bob')),
    );
    const { results } = chain.executeBlock(
      infos.map((info) => chain.sign('bob', registryCalls.registerWorker(info, simEvidence(pki, info)))),
    );
    assert.ok(results.every((result) => result.included && result.outcome.ok));
    runUntilJustBefore(chain, expiresAtOf(chain, infos[0]!.pubkey));

    // A budget of 2: one unit opens the bucket, one takes an entry; the rest waits for the next pass.
    const ctx = hookContext(chain, chain.reader);
    assert.deepEqual(expireLapsedWorkers(ctx, 2), { taken: 1, expired: 1 });
    assert.deepEqual(expireLapsedWorkers(ctx, 2), { taken: 1, expired: 1 });
    assert.deepEqual(expireLapsedWorkers(ctx, 2), { taken: 1, expired: 1 });
    assert.deepEqual(expireLapsedWorkers(ctx, 2), { taken: 0, expired: 0 });
    for (const info of infos) assert.equal(getWorker(ctx.state, info.pubkey)?.state, 'Expired');
  });
});
