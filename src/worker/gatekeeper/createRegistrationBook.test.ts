import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '../../codec/bytes.js';
import type { Evidence, WorkerInfo } from '../../runtime/registry/types.js';
import {
  createRegistrationBook,
  decodeRegistrationBook,
  encodeRegistrationBook,
  type Registration,
} from './createRegistrationBook.js';

/** A registration told apart by its core count (the book never looks inside), of worker `key`. */
function registration(cores: number, key = 0): Registration {
  const info: WorkerInfo = {
    version: 1,
    pubkey: new Uint8Array(32).fill(key),
    ecdhPubkey: new Uint8Array(32),
    genesisHash: new Uint8Array(32),
    operator: new Uint8Array(32),
    features: { cores, tee: 'sgx' },
    recentBlock: { number: 0, hash: new Uint8Array(32) },
  };
  const evidence: Evidence = {
    tag: 'Ias',
    value: { report: new Uint8Array(0), signature: new Uint8Array(0), signingCert: new Uint8Array(0) },
  };
  return { info, evidence };
}

const cores = (r: Registration | undefined) => r?.info.features.cores;

describe('createRegistrationBook', () => {
  it('keeps the newest registration per worker, pending until it is seen provisioned', () => {
    const book = createRegistrationBook();
    book.record('a', registration(1));
    book.record('a', registration(2));
    assert.equal(cores(book.get('a')), 2);
    assert.equal(book.pending, 1);
    book.provisioned('a');
    assert.equal(cores(book.get('a')), 2);
    assert.equal(book.pending, 0);
    assert.equal(book.size, 1);
    // Registering again (e.g. a new ECDH key) makes it pending again.
    book.record('a', registration(3));
    assert.equal(book.pending, 1);
    assert.equal(book.size, 1);
  });

  it('keeps only the newest provisioned workers, and forgets an expired one outright', () => {
    const book = createRegistrationBook({ maxProvisioned: 2 });
    for (const worker of ['a', 'b', 'c']) {
      book.record(worker, registration(1));
      book.provisioned(worker);
    }
    assert.equal(book.get('a'), undefined);
    assert.equal(cores(book.get('b')), 1);
    assert.equal(cores(book.get('c')), 1);
    book.record('d', registration(1));
    book.forget('d');
    book.forget('b');
    assert.equal(book.get('d'), undefined);
    assert.equal(book.get('b'), undefined);
    assert.equal(book.size, 1);
  });

  it('stays within its caps however many workers register, dropping the oldest pending first', () => {
    const book = createRegistrationBook({ maxPending: 10, maxProvisioned: 5 });
    const dropped: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const evicted = book.record(`w${i}`, registration(i));
      if (evicted !== undefined) dropped.push(evicted);
      // Every third worker gets provisioned; the rest stay pending (refused, or never served).
      if (i % 3 === 0) book.provisioned(`w${i}`);
      assert.ok(book.pending <= 10 && book.size <= 15);
    }
    // The last worker made room among the pending, then moved on to the provisioned.
    assert.equal(book.pending, 9);
    assert.equal(book.size, 14);
    assert.equal(cores(book.get('w9999')), 9999);
    assert.equal(book.get('w0'), undefined);
    // Pending workers are dropped oldest first, each once.
    assert.equal(dropped[0], 'w1');
    assert.equal(new Set(dropped).size, dropped.length);
  });

  it('comes back from its encoded snapshot with the same registrations, in the same order, within its caps', () => {
    const book = createRegistrationBook();
    const worker = (key: number) => bytesToHex(new Uint8Array(32).fill(key));
    for (const key of [1, 2, 3, 4]) book.record(worker(key), registration(10 + key, key));
    book.provisioned(worker(2));
    book.provisioned(worker(4));
    const bytes = encodeRegistrationBook(book.snapshot());

    const restored = createRegistrationBook();
    restored.record(worker(9), registration(99, 9)); // replaced, not merged
    restored.load(decodeRegistrationBook(bytes));
    assert.deepEqual(restored.snapshot(), book.snapshot());
    assert.equal(restored.pending, 2);
    assert.equal(cores(restored.get(worker(4))), 14);
    assert.equal(restored.get(worker(9)), undefined);

    // A smaller book keeps the newest of each part.
    const small = createRegistrationBook({ maxPending: 1, maxProvisioned: 1 });
    small.load(decodeRegistrationBook(bytes));
    assert.deepEqual(
      [small.get(worker(1)), cores(small.get(worker(3))), small.get(worker(2)), cores(small.get(worker(4)))],
      [undefined, 13, undefined, 14],
    );
  });
});
