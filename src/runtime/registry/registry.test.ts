import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSimPki } from '../../attestation/sim/index.js';
import { toHex } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519Sign } from '../../codec/keys.js';
import { createDevGenesisConfig } from '../genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../governance/types.js';
import { createRuntime } from '../index.js';
import { listErrors } from '../support/errors.js';
import { BLOCK_HASH_COUNT } from '../system/types.js';
import { RegistryErrors } from './errors.js';
import { getPolicy, getWorker, listWorkers } from './queries.js';
import {
  createRegistryTestChain,
  createTestWorker,
  feeAndNonceKeys,
  outcomeOf,
  register,
  registerSimWorker,
  SIM_TEST_NOW,
  simEvidence,
  workerInfoFor,
} from './testing.js';
import { benchmarkPayload, type RegistryPolicy, RegistryPolicyCodec, registryCalls } from './types.js';

const pki = createSimPki({ seed: Uint8Array.of(7, 2), now: SIM_TEST_NOW });

describe('registry policy', () => {
  test('genesis stores the dev policy: Intel roots plus the sim root given, sim measurements allowlisted', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const policy = getPolicy(chain.reader);
    assert.ok(policy);
    assert.equal(policy.trustedRoots.length, 3);
    assert.deepEqual(policy.trustedRoots[2], pki.rootCertDer);
    assert.deepEqual(
      policy.measurementAllowlist.map((rule) => rule.tag),
      ['Sgx', 'Tdx'],
    );
    assert.equal(policy.allowDebug, false);
  });

  test('genesis refuses a policy that fails validation, naming registry.policy', () => {
    const runtime = createRuntime();
    const withPolicy = (policy: object) => {
      const config = createDevGenesisConfig();
      config.registry.policy = { ...config.registry.policy, ...policy };
      return config;
    };
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ trustedRoots: [] })),
      /registry\.policy: trustedRoots must hold 1\.\.8/,
    );
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ trustedRoots: ['0x3000'] })),
      /registry\.policy: trustedRoots\[0\]/,
    );
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ acceptedTcbStatuses: ['Revoked'] })),
      /Revoked can never be accepted/,
    );
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ maxEvidenceAgeBlocks: 0 })),
      /maxEvidenceAgeBlocks/,
    );
    // A recentBlock older than the hashes system keeps could never be checked.
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ maxEvidenceAgeBlocks: BLOCK_HASH_COUNT + 1 })),
      new RegExp(`maxEvidenceAgeBlocks must be within 1\\.\\.${BLOCK_HASH_COUNT}`),
    );
    runtime.buildGenesisState(withPolicy({ maxEvidenceAgeBlocks: BLOCK_HASH_COUNT }));
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ measurementAllowlist: [{ tee: 'sgx', isvProdId: 1 }] })),
      /needs mrEnclave or mrSigner/,
    );
    assert.throws(
      () => runtime.buildGenesisState(withPolicy({ allowDebug: 'no' })),
      /registry\.policy\.allowDebug/,
    );
  });

  test('governance replaces the policy with an event; the new policy applies to the next registration', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const before = getPolicy(chain.reader)!;
    // Drop the sim root: sim evidence is then untrusted.
    const next: RegistryPolicy = {
      ...before,
      trustedRoots: before.trustedRoots.slice(0, 2),
      maxEvidenceAgeBlocks: 10,
    };
    const report = chain.applySigned('alice', governanceCalls.sudo(registryCalls.setPolicy(next)));
    assert.equal(outcomeOf(report), 'ok');
    const changed = report.events.find((event) => event.name === 'PolicyChanged');
    assert.deepEqual(changed?.data, { hash: toHex(blake2b256(RegistryPolicyCodec.enc(next))) });
    assert.deepEqual(getPolicy(chain.reader), next);

    const worker = createTestWorker('after-policy', 'bob');
    const info = workerInfoFor(chain, worker);
    assert.equal(outcomeOf(register(chain, 'bob', info, simEvidence(pki, info))), 'registry.UntrustedRoot');
  });

  test('setPolicy refuses an invalid policy and keeps the old one; only governance may call it', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const before = getPolicy(chain.reader)!;
    const report = chain.applySigned(
      'alice',
      governanceCalls.sudo(registryCalls.setPolicy({ ...before, acceptedTcbStatuses: ['Revoked'] })),
    );
    const sudid = report.events.find((event) => event.name === 'Sudid');
    assert.deepEqual(sudid?.data, {
      ok: false,
      error: { module: 'registry', error: 'InvalidPolicy', code: RegistryErrors.InvalidPolicy.code },
    });
    assert.ok(!report.events.some((event) => event.name === 'PolicyChanged'));
    assert.deepEqual(getPolicy(chain.reader), before);

    const bob = chain.applySigned('bob', governanceCalls.sudo(registryCalls.setPolicy(before)));
    assert.equal(outcomeOf(bob), 'governance.RequireSudo');
    const direct = chain.applySigned('bob', registryCalls.setPolicy(before));
    assert.equal(outcomeOf(direct), 'invalid:BadOrigin');
  });
});

describe('registry.submitBenchmark', () => {
  const chain = createRegistryTestChain({ simRoots: [pki], policy: { maxEvidenceAgeBlocks: 5 } });
  const worker = createTestWorker('bench', 'bob');
  const info = registerSimWorker(chain, pki, worker);
  const sign = (score: number, blockNumber: number, key = worker.identity) =>
    ed25519Sign(key.secretSeed, benchmarkPayload(chain.genesisHash, info.pubkey, score, blockNumber));
  const submit = (
    signer: 'bob' | 'dave',
    score: number,
    blockNumber: number,
    signature = sign(score, blockNumber),
  ) =>
    chain.applySigned(
      signer,
      registryCalls.submitBenchmark({ worker: info.pubkey, score, blockNumber, signature }),
    );

  test('a report signed by the worker and submitted by its operator sets the score, with an event', () => {
    const blockNumber = chain.number;
    const report = submit('bob', 1234, blockNumber);
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(report.events[1]?.data, { worker: toHex(info.pubkey), score: 1234, blockNumber });
    assert.deepEqual(getWorker(chain.reader, info.pubkey)?.benchmark, { score: 1234, blockNumber });
  });

  test('refuses a replayed or older report, a report from the future or too old, and writes nothing', () => {
    const last = getWorker(chain.reader, info.pubkey)!.benchmark!.blockNumber;
    // The block being executed is chain.number + 1: its own number is not yet a block the worker saw.
    for (const blockNumber of [() => last, () => last - 1, () => chain.number + 1]) {
      const report = submit('bob', 99, blockNumber());
      assert.equal(outcomeOf(report), 'registry.StaleBenchmark');
      assert.deepEqual(report.written, feeAndNonceKeys('bob'));
    }
    const next = chain.number;
    for (let i = 0; i < 6; i++) chain.executeBlock([]);
    assert.equal(outcomeOf(submit('bob', 99, next)), 'registry.StaleBenchmark');
  });

  test('refuses a report not signed by the worker, or submitted by another account', () => {
    const blockNumber = chain.number;
    const forged = submit('bob', 5000, blockNumber, sign(5000, blockNumber, worker.operator));
    assert.equal(outcomeOf(forged), 'registry.BadWorkerSignature');
    assert.deepEqual(forged.written, feeAndNonceKeys('bob'));
    // A signature over another score does not carry over.
    assert.equal(
      outcomeOf(submit('bob', 5000, blockNumber, sign(4999, blockNumber))),
      'registry.BadWorkerSignature',
    );
    assert.equal(outcomeOf(submit('dave', 5000, blockNumber)), 'registry.NotOperator');
    assert.equal(getWorker(chain.reader, info.pubkey)?.benchmark?.score, 1234);
  });

  test('takes a report whose block is exactly maxEvidenceAgeBlocks old, and refuses one a block older', () => {
    const tooOld = chain.number;
    for (let i = 0; i < 5; i++) chain.executeBlock([]);
    // Each submission runs in a block of its own, chain.number + 1: `tooOld` is then 6 blocks behind,
    // and by the second submission `exact` is 5.
    assert.equal(chain.number + 1 - tooOld, 6);
    assert.equal(outcomeOf(submit('bob', 77, tooOld)), 'registry.StaleBenchmark');
    const exact = tooOld + 2;
    assert.equal(chain.number + 1 - exact, 5);
    assert.equal(outcomeOf(submit('bob', 77, exact)), 'ok');
    assert.equal(getWorker(chain.reader, info.pubkey)?.benchmark?.blockNumber, exact);
  });
});

describe('registry queries and consensus constants', () => {
  test('listWorkers gives the storage prefix and decodes each entry into a worker view', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const infos = ['a', 'b', 'c'].map((name) =>
      registerSimWorker(chain, pki, createTestWorker(`list-${name}`, 'bob')),
    );
    const { prefix, decode } = listWorkers();
    const prefixHex = Buffer.from(prefix).toString('hex');
    const views = [...chain.state]
      .filter(([hex]) => hex.startsWith(prefixHex))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([hex, value]) => decode(chain.reader, Buffer.from(hex, 'hex'), value));
    assert.deepEqual(
      views.map((view) => toHex(view.pubkey)),
      infos.map((info) => toHex(info.pubkey)).sort(),
    );
    assert.ok(views.every((view) => view.state === 'Registered'));
    assert.equal(Buffer.from(prefix).toString(), 'registry/Workers/');
  });

  test('keeps every registry error at its code (append only)', () => {
    assert.deepEqual(
      listErrors(RegistryErrors).map((error) => `${error.code}:${error.error}`),
      [
        '0:NotOperator',
        '1:WrongGenesis',
        '2:StaleRecentBlock',
        '3:RecentBlockHashMismatch',
        '4:PubkeyBoundToOtherOperator',
        '5:MalformedEvidence',
        '6:UntrustedRoot',
        '7:InvalidEvidence',
        '8:CertificateRevoked',
        '9:CollateralExpired',
        '10:TcbNotSupported',
        '11:TcbStatusRefused',
        '12:AdvisoryRefused',
        '13:DebugRefused',
        '14:SeptVeDisableRequired',
        '15:MeasurementNotAllowed',
        '16:EvidenceTooOld',
        '17:TeeMismatch',
        '18:ReportDataMismatch',
        '19:InvalidPolicy',
        '20:WorkerNotFound',
        '21:AlreadyExpired',
        '22:NotExpired',
        '23:WorkerNotActive',
        '24:BadWorkerSignature',
        '25:StaleBenchmark',
        '26:InvalidEcdhKey',
        '27:InternalError',
      ],
    );
  });
});
