import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Header, hashHeader, listRoot, type SignedHeader, signHeader } from './chain.js';
import {
  checkHeaderExtendsParent,
  type HeaderParent,
  MAX_TIMESTAMP_STEP_MS,
  nextBlockTimestamp,
} from './checkHeaderExtendsParent.js';
import { devKeypair } from './devKeys.js';

const alice = devKeypair('alice');
const mallory = devKeypair('mallory');
const authorities = [alice.publicKey];
const PARENT_TIME = 1_700_000_000_000n;

function parentAt(timestamp: bigint, number = 4): HeaderParent {
  const header: Header = {
    parentHash: new Uint8Array(32).fill(1),
    number,
    timestamp,
    stateRoot: new Uint8Array(32).fill(2),
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: alice.publicKey,
  };
  return { hash: hashHeader(header), header };
}

/** A child of `parent` signed by alice, with `changes` applied before signing. */
function child(parent: HeaderParent, changes: Partial<Header> = {}, seed = alice.secretSeed): SignedHeader {
  const header: Header = {
    ...parent.header,
    parentHash: parent.hash,
    number: parent.header.number + 1,
    timestamp: parent.header.timestamp + 1000n,
    author: alice.publicKey,
    ...changes,
  };
  return { header, signature: signHeader(header, seed) };
}

describe('checkHeaderExtendsParent', () => {
  it('accepts an authority-signed child one second after its parent, with or without a clock', () => {
    const parent = parentAt(PARENT_TIME);
    const signed = child(parent);
    assert.equal(checkHeaderExtendsParent(parent, signed, { authorities }), undefined);
    const clock = { nowMs: PARENT_TIME + 1000n, toleranceMs: 0n };
    assert.equal(checkHeaderExtendsParent(parent, signed, { authorities, clock }), undefined);
  });

  it('refuses an authority-signed header dated 2^62 ms with TimestampStepTooLarge when it has no clock', () => {
    const parent = parentAt(PARENT_TIME);
    const refusal = checkHeaderExtendsParent(parent, child(parent, { timestamp: 1n << 62n }), {
      authorities,
    });
    assert.equal(refusal?.code, 'TimestampStepTooLarge');
    assert.equal(refusal?.details.latest, (PARENT_TIME + MAX_TIMESTAMP_STEP_MS).toString());
  });

  it('refuses the same header with TimestampInFuture when it has a clock', () => {
    const parent = parentAt(PARENT_TIME);
    const clock = { nowMs: PARENT_TIME, toleranceMs: 15_000n };
    const refusal = checkHeaderExtendsParent(parent, child(parent, { timestamp: 1n << 62n }), {
      authorities,
      clock,
    });
    assert.equal(refusal?.code, 'TimestampInFuture');
  });

  it('accepts a step of exactly MAX_TIMESTAMP_STEP_MS and refuses one millisecond more, whatever the clock says', () => {
    const parent = parentAt(PARENT_TIME);
    // A node replaying old blocks: its clock is days later, so only the step bound can refuse.
    const clock = { nowMs: PARENT_TIME + 10n * 86_400_000n, toleranceMs: 15_000n };
    const edge = child(parent, { timestamp: PARENT_TIME + MAX_TIMESTAMP_STEP_MS });
    assert.equal(checkHeaderExtendsParent(parent, edge, { authorities, clock }), undefined);
    const over = child(parent, { timestamp: PARENT_TIME + MAX_TIMESTAMP_STEP_MS + 1n });
    assert.equal(
      checkHeaderExtendsParent(parent, over, { authorities, clock })?.code,
      'TimestampStepTooLarge',
    );
    assert.equal(checkHeaderExtendsParent(parent, over, { authorities })?.code, 'TimestampStepTooLarge');
  });

  it('lets block 1 of an undated genesis (timestamp 0) carry today as its time', () => {
    const genesis = parentAt(0n, 0);
    assert.equal(
      checkHeaderExtendsParent(genesis, child(genesis, { timestamp: PARENT_TIME }), { authorities }),
      undefined,
    );
    // A dated genesis bounds block 1 like any other parent.
    const dated = parentAt(PARENT_TIME, 0);
    const late = child(dated, { timestamp: PARENT_TIME + MAX_TIMESTAMP_STEP_MS + 1n });
    assert.equal(checkHeaderExtendsParent(dated, late, { authorities })?.code, 'TimestampStepTooLarge');
  });

  const refusals: [string, string, (parent: HeaderParent) => SignedHeader][] = [
    ['a skipped number', 'WrongNumber', (p) => child(p, { number: p.header.number + 2 })],
    ['another parent hash', 'WrongParent', (p) => child(p, { parentHash: new Uint8Array(32).fill(9) })],
    ['the parent timestamp', 'TimestampNotIncreasing', (p) => child(p, { timestamp: p.header.timestamp })],
    [
      'an earlier timestamp',
      'TimestampNotIncreasing',
      (p) => child(p, { timestamp: p.header.timestamp - 1n }),
    ],
    [
      'an author outside the authorities',
      'UnknownAuthor',
      (p) => child(p, { author: mallory.publicKey }, mallory.secretSeed),
    ],
    [
      'a signature over another header',
      'BadSignature',
      (p) => ({
        header: child(p).header,
        signature: child(p, { timestamp: p.header.timestamp + 2n }).signature,
      }),
    ],
  ];
  for (const [what, code, make] of refusals) {
    it(`refuses ${what} with ${code}`, () => {
      const parent = parentAt(PARENT_TIME);
      assert.equal(checkHeaderExtendsParent(parent, make(parent), { authorities })?.code, code);
    });
  }

  it('gives every timestamp nextBlockTimestamp picks a pass, for any parent and clock reading', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 50n }),
        fc.bigInt({ min: 0n, max: 1n << 51n }),
        (parentTime, now) => {
          const parent = parentAt(parentTime);
          const timestamp = nextBlockTimestamp(parent.header, now);
          assert.ok(timestamp > parentTime);
          const clock = { nowMs: now > parentTime ? now : parentTime + 1n, toleranceMs: 0n };
          assert.equal(
            checkHeaderExtendsParent(parent, child(parent, { timestamp }), { authorities, clock }),
            undefined,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('catches up with the clock one step per block after an outage', () => {
    const parent = parentAt(PARENT_TIME).header;
    const now = PARENT_TIME + 3n * MAX_TIMESTAMP_STEP_MS + 5n;
    assert.equal(nextBlockTimestamp(parent, now), PARENT_TIME + MAX_TIMESTAMP_STEP_MS);
    assert.equal(nextBlockTimestamp(parent, PARENT_TIME + 500n), PARENT_TIME + 500n);
    assert.equal(nextBlockTimestamp(parent, PARENT_TIME - 500n), PARENT_TIME + 1n);
    assert.equal(nextBlockTimestamp(parentAt(0n, 0).header, now), now);
  });
});
