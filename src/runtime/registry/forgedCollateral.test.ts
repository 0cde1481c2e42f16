// End to end through registry.registerWorker: an out-of-date platform that holds its own PCK private
// key (the case TCB levels exist for) re-signs the TCB info to say every level is UpToDate. The forged
// TCB info chains to the trusted root through the platform's PCK certificate and its signature
// verifies; only pinning the signer to Intel's TCB Signing certificate refuses it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { createSimPki, platformTcbFor } from '../../attestation/sim/index.js';
import { everyLevelUpToDate, pckSigner, withQeIdentity, withTcbInfo } from '../../attestation/sim/testing.js';
import { createMapReader } from '../support/overlay.js';
import { getWorker } from './queries.js';
import {
  createRegistryTestChain,
  createTestWorker,
  feeAndNonceKeys,
  outcomeOf,
  register,
  SIM_TEST_NOW,
  simEvidence,
  workerInfoFor,
} from './testing.js';
import type { Evidence } from './types.js';

const pki = createSimPki({ seed: Uint8Array.of(7, 3), now: SIM_TEST_NOW });
const outOfDate = pki.machine({ tee: 'sgx', ...platformTcbFor('sgx', 'OutOfDate'), pckRevoked: false });
const forger = pckSigner(pki, outOfDate);

describe('registry.registerWorker with collateral re-signed by a platform PCK key', () => {
  test('refuses an OutOfDate platform whose TCB info it re-signed as UpToDate, and writes nothing', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const worker = createTestWorker('forger', 'bob');
    const info = workerInfoFor(chain, worker);
    const genuine = simEvidence(pki, info, { tcbStatus: 'OutOfDate' });
    assert.equal(genuine.tag, 'Dcap');
    const collateral = pki.collateral('sgx');
    const forged: Evidence = {
      tag: 'Dcap',
      value: {
        quote: genuine.value.quote,
        collateral: parseCollateralJson(
          withTcbInfo(collateral, everyLevelUpToDate(collateral.tcb_info), forger),
        ),
      },
    };

    const before = chain.snapshot();
    const report = register(chain, 'bob', info, forged);
    assert.equal(outcomeOf(report), 'registry.InvalidEvidence');
    assert.deepEqual(report.written, feeAndNonceKeys('bob'));
    assert.deepEqual(
      report.events.map((event) => `${event.module}.${event.name}`),
      ['balances.FeePaid', 'system.ExtrinsicFailed'],
    );
    assert.equal(getWorker(chain.reader, info.pubkey), undefined);
    assert.deepEqual(getWorker(chain.reader, info.pubkey), getWorker(createMapReader(before), info.pubkey));

    // The genuine collateral says what the platform is: OutOfDate, which the dev policy refuses.
    assert.equal(outcomeOf(register(chain, 'bob', info, genuine)), 'registry.TcbStatusRefused');
    assert.equal(getWorker(chain.reader, info.pubkey), undefined);
  });

  test('refuses evidence whose QE identity the platform re-signed, and writes nothing', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const worker = createTestWorker('qe-forger', 'bob');
    const info = workerInfoFor(chain, worker);
    const genuine = simEvidence(pki, info);
    assert.equal(genuine.tag, 'Dcap');
    const collateral = pki.collateral('sgx');
    const forged: Evidence = {
      tag: 'Dcap',
      value: {
        quote: genuine.value.quote,
        collateral: parseCollateralJson(
          withQeIdentity(collateral, everyLevelUpToDate(collateral.qe_identity), forger),
        ),
      },
    };
    const report = register(chain, 'bob', info, forged);
    assert.equal(outcomeOf(report), 'registry.InvalidEvidence');
    assert.deepEqual(report.written, feeAndNonceKeys('bob'));
    assert.equal(getWorker(chain.reader, info.pubkey), undefined);
  });
});
