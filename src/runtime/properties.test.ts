// Properties of the whole runtime over random transfer workloads (issue 2, "Must show"): a failed
// call changes nothing but the fee and nonce; the same blocks from genesis give the same changes
// and events byte for byte; transfers, fees and reaping conserve total issuance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../codec/bytes.js';
import { EventCodec } from '../codec/chain.js';
import { DEV_ACCOUNT_NAMES, devKeypair } from '../codec/devKeys.js';
import { blake2b256 } from '../codec/hash.js';
import { ed25519FromSeed, type Keypair } from '../codec/keys.js';
import { bool, Struct, u32 } from '../codec/scale.js';
import { transferFunds } from './balances/currency.js';
import { Accounts } from './balances/storage.js';
import { balancesCalls, TREASURY_ACCOUNT } from './balances/types.js';
import {
  DEV_ENDOWMENT,
  DEV_EXISTENTIAL_DEPOSIT as ED,
  DEV_FLAT_FEE as FEE,
} from './genesis/createDevGenesisConfig.js';
import { MODULES } from './modules.js';
import { signedCall } from './support/dispatch.js';
import { defineErrors, ensure } from './support/errors.js';
import { defineEvents } from './support/events.js';
import type { RuntimeModule } from './support/module.js';
import { storageMap } from './support/storage.js';
import { AccountId } from './support/types.js';
import { Nonces } from './system/storage.js';
import { createTestChain as createChain, labelOf, type TestChain } from './testing.js';

// A test-only module whose call writes, emits and moves money BEFORE it may fail, so that the
// property exercises the revert of real writes (the balances calls check everything first).
const ScratchErrors = defineErrors('scratch', ['Refused'] as const);
const ScratchEvents = defineEvents<{ Wrote: { value: number } }>('scratch', {
  Wrote: Struct({ value: u32 }),
});
const Scratch = storageMap('scratch', 'Values', AccountId, u32);
const ScratchArgs = Struct({ value: u32, fail: bool });
const scratchModule: RuntimeModule = {
  name: 'scratch',
  calls: {
    writeThenCheck: signedCall(ScratchArgs, (ctx, who, { value, fail }) => {
      Scratch.set(ctx.state, who, value);
      ScratchEvents.Wrote.emit(ctx, { value });
      transferFunds(ctx, who, TREASURY_ACCOUNT, 1n, 'allowDeath');
      ensure(!fail, ScratchErrors.Refused);
    }),
  },
  events: ScratchEvents,
  errors: ScratchErrors,
};
const createTestChain = () => createChain({ modules: [...MODULES, scratchModule] });

const keys: Keypair[] = [
  ...DEV_ACCOUNT_NAMES.map((name) => devKeypair(name)),
  ...[1, 2, 3].map((i) => ed25519FromSeed(blake2b256(Uint8Array.of(i, 7)))),
];

interface Op {
  /** A transfer, or the scratch call that writes before it checks. */
  scratch: boolean;
  from: number;
  to: number;
  keepAlive: boolean;
  /** An absolute amount, or "all of the sender's free balance after the fee but `value`". */
  kind: 'absolute' | 'allBut';
  value: bigint;
}

const opArbitrary: fc.Arbitrary<Op> = fc.record({
  scratch: fc.boolean(),
  from: fc.nat({ max: keys.length - 1 }),
  to: fc.nat({ max: keys.length - 1 }),
  keepAlive: fc.boolean(),
  kind: fc.constantFrom('absolute', 'allBut'),
  value: fc.oneof(
    fc.constantFrom(0n, 1n, ED - 1n, ED, ED + 1n, DEV_ENDOWMENT, 2n * DEV_ENDOWMENT),
    fc.bigInt({ min: 0n, max: 3n * ED }),
    fc.bigInt({ min: 0n, max: DEV_ENDOWMENT }),
  ),
});

function signOp(chain: TestChain, op: Op): Uint8Array {
  const sender = keys[op.from]!;
  if (op.scratch) {
    const args = ScratchArgs.enc({ value: Number(op.value % 1000n), fail: op.keepAlive });
    return chain.sign(sender, { module: 'scratch', call: 'writeThenCheck', args });
  }
  const free = chain.account(sender.publicKey).free;
  const amount = op.kind === 'absolute' ? op.value : free - FEE - op.value > 0n ? free - FEE - op.value : 0n;
  const args = { dest: keys[op.to]!.publicKey, amount };
  return chain.sign(
    sender,
    op.keepAlive ? balancesCalls.transferKeepAlive(args) : balancesCalls.transfer(args),
  );
}

describe('runtime properties', () => {
  it('a failed call leaves state and events unchanged, beyond the fee and the nonce', () => {
    let failures = 0;
    fc.assert(
      fc.property(fc.array(opArbitrary, { minLength: 1, maxLength: 8 }), (ops) => {
        const chain = createTestChain();
        for (const op of ops) {
          const sender = keys[op.from]!.publicKey;
          const before = chain.snapshot();
          const senderBefore = chain.account(sender);
          const treasuryBefore = chain.account(TREASURY_ACCOUNT).free;
          // What the block hooks alone write (block number, time, ...), whatever the extrinsic does.
          const hookKeys = chain.runtime
            .beginBlock(chain.reader, chain.nextBlockContext(), chain.genesisHash)
            .finish().changes;
          const report = chain.applyExtrinsic(signOp(chain, op));
          if (!report.result.included || report.result.outcome.ok) continue;
          failures++;
          const feeKeys = [Accounts.keyOf(sender), Accounts.keyOf(TREASURY_ACCOUNT), Nonces.keyOf(sender)];
          assert.deepEqual(report.written, feeKeys.map(labelOf).sort());
          assert.deepEqual(chain.account(sender), {
            free: senderBefore.free - FEE,
            reserved: senderBefore.reserved,
            nonce: senderBefore.nonce + 1,
          });
          assert.equal(chain.account(TREASURY_ACCOUNT).free, treasuryBefore + FEE);
          const feeHex = new Set(feeKeys.map((key) => toHex(key).slice(2)));
          for (const hex of new Set([...before.keys(), ...chain.state.keys()])) {
            if (hookKeys.has(hex) || feeHex.has(hex)) continue;
            assert.deepEqual(chain.state.get(hex), before.get(hex), `key ${hex} changed`);
          }
          assert.deepEqual(
            report.events.map((e) => `${e.module}.${e.name}`),
            ['balances.FeePaid', 'system.ExtrinsicFailed'],
          );
        }
      }),
      { numRuns: 40 },
    );
    assert.ok(failures > 10, `only ${failures} failed calls were generated`);
  });

  it('executing the same blocks from genesis in a fresh store gives identical changes and events', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.oneof({ weight: 9, arbitrary: opArbitrary }, { weight: 1, arbitrary: fc.uint8Array() }),
            { maxLength: 6 },
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (blocks) => {
          const first = createTestChain();
          const replay = createTestChain();
          for (const block of blocks) {
            const extrinsics = block.map((item) => (item instanceof Uint8Array ? item : signOp(first, item)));
            const a = first.executeBlock(extrinsics);
            const b = replay.executeBlock(extrinsics);
            const bytesOf = (execution: typeof a.execution) => ({
              changes: [...execution.changes].map(([hex, { value }]) => [hex, value && toHex(value)]),
              events: execution.events.map((event) => toHex(EventCodec.enc(event))),
              outcomes: execution.outcomes,
            });
            assert.deepEqual(bytesOf(b.execution), bytesOf(a.execution));
          }
          assert.deepEqual([...replay.state].sort(), [...first.state].sort());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('transfers, fees and reaping conserve total issuance, treasury included', () => {
    const genesisIssuance = DEV_ENDOWMENT * BigInt(DEV_ACCOUNT_NAMES.length);
    fc.assert(
      fc.property(fc.array(opArbitrary, { minLength: 1, maxLength: 25 }), (ops) => {
        const chain = createTestChain();
        chain.executeBlock(ops.map((op) => signOp(chain, op)));
        assert.equal(chain.runtime.queries.getTotalIssuance(chain.reader), genesisIssuance);
        assert.equal(chain.sumOfBalances(), genesisIssuance);
        // No account other than the treasury is left below the existential deposit.
        for (const key of keys) {
          const { free, reserved } = chain.account(key.publicKey);
          assert.ok(free + reserved === 0n || free + reserved >= ED);
        }
      }),
      { numRuns: 40 },
    );
  });
});
