import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimPki } from '../../attestation/sim/index.js';
import { devKeypair } from '../../codec/devKeys.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519FromSeed } from '../../codec/keys.js';
import { u32 } from '../../codec/scale.js';
import { balancesCalls } from '../balances/types.js';
import { DEV_EXISTENTIAL_DEPOSIT, DEV_FLAT_FEE as FEE, isInvalidTransaction } from '../index.js';
import {
  createRegistryTestChain,
  createTestWorker,
  SIM_TEST_NOW,
  simEvidence,
  workerInfoFor,
} from '../registry/testing.js';
import { registryCalls } from '../registry/types.js';
import { systemCalls } from '../system/types.js';
import type { TestChain } from '../testing.js';
import { signedCall } from './dispatch.js';
import { BYTES_PER_WEIGHT, extrinsicFee, WEIGHT } from './weight.js';

// One sim PKI per file (issuing one costs ~80 ms).
const pki = createSimPki({ seed: Uint8Array.of(7, 9), now: SIM_TEST_NOW });

/** The fee the runtime tells the pool, and the fee the block then charges, for one extrinsic. */
function feesOf(chain: TestChain, extrinsic: Uint8Array): { validated: bigint; charged: bigint } {
  const validated = chain.runtime.validateTransaction(chain.reader, extrinsic, chain.genesisHash);
  assert.ok(!isInvalidTransaction(validated), isInvalidTransaction(validated) ? validated.message : '');
  const report = chain.applyExtrinsic(extrinsic);
  const paid = report.events.find((event) => event.name === 'FeePaid');
  assert.ok(paid, 'a FeePaid event');
  return { validated: validated.fee, charged: BigInt((paid.data as { fee: string }).fee) };
}

describe('call weights and fees', () => {
  it('charges a transfer one unit, and a registration its verification and length, many transfers over', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const transfer = chain.sign(
      'alice',
      balancesCalls.transfer({ dest: devKeypair('charlie').publicKey, amount: 1n }),
    );
    assert.deepEqual(feesOf(chain, transfer), { validated: FEE, charged: FEE });

    const worker = createTestWorker('weighed', 'bob');
    const info = workerInfoFor(chain, worker);
    const registration = chain.sign('bob', registryCalls.registerWorker(info, simEvidence(pki, info)));
    const lengthUnits = BigInt(registration.length) / BYTES_PER_WEIGHT;
    assert.ok(
      lengthUnits >= 8n,
      `a registration with its collateral is several KiB (${registration.length} bytes)`,
    );
    const expected = FEE * (BigInt(WEIGHT.base + WEIGHT.evidence) + lengthUnits);
    assert.deepEqual(feesOf(chain, registration), { validated: expected, charged: expected });
    assert.ok(expected >= 16n * FEE);
  });

  it('refuses a registration from an operator who can pay a transfer but not a registration, as CannotPayFee', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    // Funded for the deposit and five transfers' fees: enough under a flat fee, not by weight.
    const operator = ed25519FromSeed(blake2b256(Uint8Array.of(42)));
    chain.applySigned(
      'alice',
      balancesCalls.transfer({ dest: operator.publicKey, amount: DEV_EXISTENTIAL_DEPOSIT + 5n * FEE }),
    );
    const info = workerInfoFor(chain, createTestWorker('cheap', operator));
    const registration = chain.sign(operator, registryCalls.registerWorker(info, simEvidence(pki, info)));
    const validated = chain.runtime.validateTransaction(chain.reader, registration, chain.genesisHash);
    assert.equal(isInvalidTransaction(validated) && validated.code, 'CannotPayFee');
    const report = chain.applyExtrinsic(registration);
    assert.equal(!report.result.included && report.result.invalid.code, 'CannotPayFee');
    assert.deepEqual(report.written, []);
    assert.deepEqual(report.events, []);
    assert.equal(chain.account(operator).free, DEV_EXISTENTIAL_DEPOSIT + 5n * FEE);
    // The same account still pays for what a transfer costs.
    const remark = chain.sign(operator, systemCalls.remark(Uint8Array.of(1)), 0);
    assert.deepEqual(feesOf(chain, remark), { validated: FEE, charged: FEE });
  });

  it('charges one more unit per whole KiB of extrinsic, so bulk costs in proportion', () => {
    const chain = createRegistryTestChain();
    for (const size of [0, 900, 3000, 60 * 1024]) {
      const remark = chain.sign('alice', systemCalls.remark(new Uint8Array(size)));
      const units = 1n + BigInt(remark.length) / BYTES_PER_WEIGHT;
      assert.deepEqual(
        feesOf(chain, remark),
        { validated: FEE * units, charged: FEE * units },
        `${size} bytes`,
      );
    }
    assert.equal(extrinsicFee(FEE, 1, 1023), FEE);
    assert.equal(extrinsicFee(FEE, 1, 1024), 2n * FEE);
  });

  it('refuses to define a call whose weight is not a whole number of units, at least one', () => {
    for (const weight of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => signedCall(u32, { weight }, () => {}), /whole number of units/);
    }
    assert.equal(signedCall(u32, () => {}).weight, WEIGHT.base);
  });
});
