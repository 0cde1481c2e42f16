import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Collateral } from '../../attestation/collateral.js';
import { createSimPki } from '../../attestation/sim/index.js';
import { DispatchError } from '../support/errors.js';
import { RegistryErrors } from './errors.js';
import { readActivePolicy } from './policy.js';
import {
  createRegistryTestChain,
  createTestWorker,
  SIM_TEST_NOW,
  simEvidence,
  workerInfoFor,
} from './testing.js';
import { verifyEvidence } from './verifyEvidence.js';

const pki = createSimPki({ seed: Uint8Array.of(7, 5), now: SIM_TEST_NOW });

/** The registry error `verifyEvidence` fails with, or 'ok'. */
function verdict(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof DispatchError, `not a DispatchError: ${String(error)}`);
    return `${error.info.module}.${error.info.error}`;
  }
}

describe('registry verifyEvidence', () => {
  const chain = createRegistryTestChain({ simRoots: [pki] });
  const info = workerInfoFor(chain, createTestWorker('verify', 'bob'));
  const active = readActivePolicy(chain.reader);
  const at = Number(chain.nextBlockContext().timestamp / 1000n);

  test('accepts sim evidence that commits to the WorkerInfo', () => {
    assert.equal(
      verdict(() => verifyEvidence(simEvidence(pki, info), info, active, at)),
      'ok',
    );
  });

  test('fails closed as registry.InternalError, not MalformedEvidence, when the verifier throws an untyped error', () => {
    // The SCALE codec never decodes a null collateral: this stands for a bug inside the verifier,
    // which reaches it as a TypeError and must not be passed off as bad evidence.
    const evidence = simEvidence(pki, info);
    assert.equal(evidence.tag, 'Dcap');
    const broken = {
      tag: 'Dcap' as const,
      value: { quote: evidence.value.quote, collateral: null as unknown as Collateral },
    };
    assert.equal(
      verdict(() => verifyEvidence(broken, info, active, at)),
      'registry.InternalError',
    );
    assert.equal(RegistryErrors.InternalError.code, 27);
  });
});
