import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { createSimPki, createSimQuote } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE, SIM_DEFAULT_MRTD } from '../../attestation/sim/simDefaults.js';
import { toHex } from '../../codec/bytes.js';
import { createMapReader } from '../support/overlay.js';
import type { TestChain } from '../testing.js';
import type { RegistryErrorName } from './errors.js';
import { getWorker } from './queries.js';
import {
  createRegistryTestChain,
  createTestWorker,
  feeAndNonceKeys,
  outcomeOf,
  register,
  registerSimWorker,
  SIM_TEST_NOW,
  simEvidence,
  type TestWorker,
  workerInfoFor,
} from './testing.js';
import { type Evidence, registryCalls, type WorkerInfo, workerInfoReportData } from './types.js';

// One sim PKI per file (issuing one costs ~80 ms); `now` is the test chain's block-0 time in seconds.
const pki = createSimPki({ seed: Uint8Array.of(7, 1), now: SIM_TEST_NOW });

function expectRefused(
  chain: TestChain,
  worker: TestWorker,
  info: WorkerInfo,
  evidence: Evidence,
  error: RegistryErrorName,
) {
  const before = chain.snapshot();
  const report = register(chain, worker.operator, info, evidence);
  assert.equal(outcomeOf(report), `registry.${error}`);
  // Nothing but the fee and the nonce: no worker record, no state, no registry event.
  assert.deepEqual(report.written, feeAndNonceKeys(worker.operator));
  assert.deepEqual(
    report.events.map((event) => `${event.module}.${event.name}`),
    ['balances.FeePaid', 'system.ExtrinsicFailed'],
  );
  assert.deepEqual(getWorker(chain.reader, info.pubkey), getWorker(createMapReader(before), info.pubkey));
  return report;
}

describe('registry.registerWorker', () => {
  test('registers a sim SGX worker as Registered with its attestation facts, and says so in events', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const worker = createTestWorker('sgx-1', 'bob');
    const info = workerInfoFor(chain, worker);
    const block = chain.nextBlockContext();
    const report = register(chain, 'bob', info, simEvidence(pki, info));
    assert.equal(outcomeOf(report), 'ok');

    const view = getWorker(chain.reader, info.pubkey);
    assert.ok(view);
    assert.equal(view.state, 'Registered');
    assert.deepEqual(view.info, info);
    assert.equal(view.registeredAt, block.number);
    const facts = view.attestation;
    assert.equal(facts.provider, 'dcap');
    assert.equal(facts.tee, 'sgx');
    assert.equal(facts.tcbStatus, 'UpToDate');
    assert.equal(facts.quoteStatus, undefined);
    assert.equal(facts.confidenceLevel, 1);
    assert.equal(facts.measurement.tag, 'Sgx');
    assert.equal(
      toHex(facts.measurement.tag === 'Sgx' ? facts.measurement.value.mrEnclave : new Uint8Array()),
      toHex(SIM_DEFAULT_MRENCLAVE),
    );
    assert.equal(facts.attestedAt, block.timestamp);
    // Dev policy: valid for a day, well inside the sim collateral's 30 days.
    assert.equal(facts.expiresAt, block.timestamp + 86_400_000n);

    const names = report.events.map((event) => `${event.module}.${event.name}`);
    assert.deepEqual(names, [
      'balances.FeePaid',
      'registry.WorkerRegistered',
      'registry.WorkerStateChanged',
      'system.ExtrinsicSuccess',
    ]);
    assert.deepEqual(report.events[1]!.data, {
      worker: toHex(info.pubkey),
      operator: toHex(worker.operator.publicKey),
      provider: 'dcap',
      tee: 'sgx',
      confidenceLevel: 1,
      expiresAt: (block.timestamp + 86_400_000n).toString(),
    });
    assert.deepEqual(report.events[2]!.data, { worker: toHex(info.pubkey), from: null, to: 'Registered' });
  });

  test('registers a sim TDX worker with its MRTD as the measurement', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const worker = createTestWorker('tdx-1', 'bob');
    const info = registerSimWorker(chain, pki, worker, 'tdx');
    const view = getWorker(chain.reader, info.pubkey);
    assert.equal(view?.attestation.tee, 'tdx');
    assert.equal(view?.attestation.measurement.tag, 'Tdx');
    if (view?.attestation.measurement.tag === 'Tdx')
      assert.deepEqual(view.attestation.measurement.value.mrTd, SIM_DEFAULT_MRTD);
  });

  test('expiry is capped by the collateral: evidence whose TCB info expires sooner expires then', () => {
    // Collateral issued 30 days less an hour before the chain's time: it has an hour left, less
    // than the dev policy's day of validity.
    const oldPki = createSimPki({ seed: Uint8Array.of(7, 1), now: SIM_TEST_NOW - 30 * 86_400 + 3600 });
    const chain = createRegistryTestChain({ simRoots: [oldPki] });
    const worker = createTestWorker('capped', 'bob');
    const info = workerInfoFor(chain, worker);
    assert.equal(outcomeOf(register(chain, 'bob', info, simEvidence(oldPki, info))), 'ok');
    assert.equal(
      getWorker(chain.reader, info.pubkey)?.attestation.expiresAt,
      BigInt(oldPki.nextUpdate) * 1000n,
    );
  });
});

describe('registry.registerWorker refuses, each check with its own error, and writes nothing', () => {
  const chain = createRegistryTestChain({ simRoots: [pki], policy: { maxEvidenceAgeBlocks: 3 } });
  const worker = createTestWorker('refused', 'charlie');
  const fresh = () => workerInfoFor(chain, worker);

  test('evidence whose PCK chain comes from another PKI than its collateral (bad chain)', () => {
    const other = createSimPki({ seed: Uint8Array.of(9, 9), now: SIM_TEST_NOW });
    const chainTrustingBoth = createRegistryTestChain({ simRoots: [pki, other] });
    const info = workerInfoFor(chainTrustingBoth, worker);
    const quote = createSimQuote(other, {
      tee: 'sgx',
      mrEnclave: SIM_DEFAULT_MRENCLAVE,
      reportData: workerInfoReportData(info),
    }).quote;
    const collateral = parseCollateralJson(pki.collateral('sgx'));
    expectRefused(
      chainTrustingBoth,
      worker,
      info,
      { tag: 'Dcap', value: { quote, collateral } },
      'InvalidEvidence',
    );
  });

  test('a quote whose signature was tampered with', () => {
    const info = fresh();
    const evidence = simEvidence(pki, info);
    assert.equal(evidence.tag, 'Dcap');
    const quote = evidence.value.quote.slice();
    // Byte 48 + 384 + 4 is the first byte of the ECDSA quote signature (SGX v3 layout).
    quote[48 + 384 + 4]! ^= 0x01;
    expectRefused(
      chain,
      worker,
      info,
      { tag: 'Dcap', value: { ...evidence.value, quote } },
      'InvalidEvidence',
    );
  });

  test('bytes that are not a quote', () => {
    const info = fresh();
    const evidence = simEvidence(pki, info);
    assert.equal(evidence.tag, 'Dcap');
    expectRefused(
      chain,
      worker,
      info,
      { tag: 'Dcap', value: { ...evidence.value, quote: new Uint8Array(100).fill(3) } },
      'MalformedEvidence',
    );
  });

  test('expired collateral (the sim TCB info and CRLs expired before the block time)', () => {
    const stale = createSimPki({ seed: Uint8Array.of(7, 1), now: SIM_TEST_NOW - 40 * 86_400 });
    const staleChain = createRegistryTestChain({ simRoots: [stale] });
    const info = workerInfoFor(staleChain, worker);
    expectRefused(staleChain, worker, info, simEvidence(stale, info), 'CollateralExpired');
  });

  test('a PCK certificate on the CRL', () => {
    const info = fresh();
    expectRefused(chain, worker, info, simEvidence(pki, info, { pckRevoked: true }), 'CertificateRevoked');
  });

  test('a platform that no TCB level matches', () => {
    const info = fresh();
    expectRefused(
      chain,
      worker,
      info,
      simEvidence(pki, info, { tcbStatus: 'NotSupported' }),
      'TcbNotSupported',
    );
  });

  test('report data that does not commit to the submitted WorkerInfo', () => {
    const info = fresh();
    const evidence = simEvidence(pki, { ...info, features: { cores: 64, tee: 'sgx' } });
    expectRefused(chain, worker, info, evidence, 'ReportDataMismatch');
  });

  test('a recentBlock older than maxEvidenceAgeBlocks', () => {
    const info = fresh();
    for (let i = 0; i < 3; i++) chain.executeBlock([]);
    // The block executing the call is 4 blocks after info.recentBlock; the policy allows 3.
    expectRefused(chain, worker, info, simEvidence(pki, info), 'StaleRecentBlock');
  });

  test('a recentBlock one block past maxEvidenceAgeBlocks, while one exactly that old registers', () => {
    // Its own chain, so that the registration that succeeds leaves the shared one untouched.
    const edge = createRegistryTestChain({ simRoots: [pki], policy: { maxEvidenceAgeBlocks: 3 } });
    const info = workerInfoFor(edge, worker);
    const evidence = simEvidence(pki, info);
    for (let i = 0; i < 3; i++) edge.executeBlock([]);
    assert.equal(edge.nextBlockContext().number - info.recentBlock.number, 4);
    expectRefused(edge, worker, info, evidence, 'StaleRecentBlock');

    const exact = workerInfoFor(edge, worker);
    const exactEvidence = simEvidence(pki, exact);
    for (let i = 0; i < 2; i++) edge.executeBlock([]);
    assert.equal(edge.nextBlockContext().number - exact.recentBlock.number, 3);
    assert.equal(outcomeOf(register(edge, worker.operator, exact, exactEvidence)), 'ok');
    assert.equal(getWorker(edge.reader, exact.pubkey)?.state, 'Registered');
  });

  test('a recentBlock that is not executed yet', () => {
    const info = fresh();
    const ahead = { ...info, recentBlock: { number: chain.number + 1, hash: info.recentBlock.hash } };
    expectRefused(chain, worker, ahead, simEvidence(pki, ahead), 'StaleRecentBlock');
  });

  test('a recentBlock whose hash is not that block', () => {
    const info = fresh();
    const forged = {
      ...info,
      recentBlock: { number: info.recentBlock.number, hash: new Uint8Array(32).fill(0xab) },
    };
    expectRefused(chain, worker, forged, simEvidence(pki, forged), 'RecentBlockHashMismatch');
  });

  test('a measurement that is not allowlisted', () => {
    const info = fresh();
    expectRefused(
      chain,
      worker,
      info,
      simEvidence(pki, info, { mrEnclave: new Uint8Array(32).fill(0x42) }),
      'MeasurementNotAllowed',
    );
  });

  test('a debug enclave', () => {
    const info = fresh();
    expectRefused(chain, worker, info, simEvidence(pki, info, { debug: true }), 'DebugRefused');
  });

  test('a TD without SEPT_VE_DISABLE', () => {
    const info = { ...fresh(), features: { cores: 4, tee: 'tdx' as const } };
    expectRefused(
      chain,
      worker,
      info,
      simEvidence(pki, info, { septVeDisable: false }),
      'SeptVeDisableRequired',
    );
  });

  test('a TCB status the policy does not accept', () => {
    const info = fresh();
    expectRefused(
      chain,
      worker,
      info,
      simEvidence(pki, info, { tcbStatus: 'OutOfDate' }),
      'TcbStatusRefused',
    );
  });

  test('a revoked TCB', () => {
    const info = fresh();
    expectRefused(chain, worker, info, simEvidence(pki, info, { tcbStatus: 'Revoked' }), 'TcbStatusRefused');
  });

  test('an advisory outside the advisory allowlist', () => {
    const strict = createRegistryTestChain({
      simRoots: [pki],
      policy: { advisoryAllowlist: ['INTEL-SA-00334'] },
    });
    const info = workerInfoFor(strict, worker);
    // SWHardeningNeeded is accepted, but the sim level carries INTEL-SA-00615.
    expectRefused(
      strict,
      worker,
      info,
      simEvidence(pki, info, { tcbStatus: 'SWHardeningNeeded' }),
      'AdvisoryRefused',
    );
  });

  test('an all-zero or other small-order ECDH key, which no network key could safely be boxed to', () => {
    // Such a registration used to succeed and then stop every gatekeeper tick (boxing to it throws).
    const order8 = new Uint8Array(32);
    order8.set([
      0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
    ]);
    order8.set(
      [0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00],
      16,
    );
    for (const ecdhPubkey of [new Uint8Array(32), order8]) {
      const info = { ...fresh(), ecdhPubkey };
      expectRefused(chain, worker, info, simEvidence(pki, info), 'InvalidEcdhKey');
    }
  });

  test('a WorkerInfo for another chain (wrong genesis)', () => {
    const info = { ...fresh(), genesisHash: new Uint8Array(32).fill(0x01) };
    expectRefused(chain, worker, info, simEvidence(pki, info), 'WrongGenesis');
  });

  test('a WorkerInfo naming another TEE than the evidence', () => {
    const info = fresh();
    const claimed = { ...info, features: { cores: 4, tee: 'tdx' as const } };
    // The quote commits to the claimed info, but it is an SGX quote.
    const sgxQuote = createSimQuote(pki, {
      tee: 'sgx',
      mrEnclave: SIM_DEFAULT_MRENCLAVE,
      reportData: workerInfoReportData(claimed),
    });
    expectRefused(
      chain,
      worker,
      claimed,
      { tag: 'Dcap', value: { quote: sgxQuote.quote, collateral: parseCollateralJson(sgxQuote.collateral) } },
      'TeeMismatch',
    );
  });

  test('a signer that is not info.operator', () => {
    const info = fresh();
    const report = register(chain, 'dave', info, simEvidence(pki, info));
    assert.equal(outcomeOf(report), 'registry.NotOperator');
    assert.deepEqual(report.written, feeAndNonceKeys('dave'));
  });

  test('a pubkey bound to another operator', () => {
    const bound = createRegistryTestChain({ simRoots: [pki] });
    registerSimWorker(bound, pki, worker);
    const thief = createTestWorker('refused', 'eve');
    const info = workerInfoFor(bound, thief);
    expectRefused(bound, thief, info, simEvidence(pki, info), 'PubkeyBoundToOtherOperator');
    assert.deepEqual(getWorker(bound.reader, info.pubkey)?.info.operator, worker.operator.publicKey);
  });

  test('sim evidence on a chain that does not trust the sim root', () => {
    const production = createRegistryTestChain();
    const info = workerInfoFor(production, worker);
    expectRefused(production, worker, info, simEvidence(pki, info), 'UntrustedRoot');
  });
});

describe('re-registration and expiry', () => {
  test('the same operator re-attests: new facts and expiry, state and first-registration block kept', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const worker = createTestWorker('again', 'bob');
    const first = registerSimWorker(chain, pki, worker);
    const registeredAt = getWorker(chain.reader, first.pubkey)!.registeredAt;
    chain.executeBlock([]);
    const info = workerInfoFor(chain, worker);
    const block = chain.nextBlockContext();
    const report = register(chain, 'bob', info, simEvidence(pki, info, { tcbStatus: 'SWHardeningNeeded' }));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(
      report.events.map((event) => `${event.module}.${event.name}`),
      ['balances.FeePaid', 'registry.WorkerReattested', 'system.ExtrinsicSuccess'],
    );
    const view = getWorker(chain.reader, info.pubkey)!;
    assert.equal(view.state, 'Registered');
    assert.equal(view.registeredAt, registeredAt);
    assert.equal(view.attestation.tcbStatus, 'SWHardeningNeeded');
    assert.equal(view.attestation.confidenceLevel, 2);
    assert.equal(view.attestation.attestedAt, block.timestamp);
    assert.deepEqual(view.info.recentBlock, info.recentBlock);
  });

  test('expire is refused before expiry, moves the worker to Expired after it, and only once', () => {
    // 30 s validity: five 6-second blocks.
    const chain = createRegistryTestChain({ simRoots: [pki], policy: { attestationValidityMs: 30_000 } });
    const worker = createTestWorker('mortal', 'bob');
    const info = registerSimWorker(chain, pki, worker);
    const expiresAt = getWorker(chain.reader, info.pubkey)!.attestation.expiresAt;

    const early = chain.applySigned('ferdie', registryCalls.expire(info.pubkey));
    assert.equal(outcomeOf(early), 'registry.NotExpired');
    assert.deepEqual(early.written, feeAndNonceKeys('ferdie'));

    while (chain.nextBlockContext().timestamp < expiresAt) chain.executeBlock([]);
    // The expiry lies 2000 ms into a 6-second expiry slot, so the block hook marks it one block
    // later (expireLapsedWorkers.test.ts): in this block only a call by anyone does.
    const report = chain.applySigned('ferdie', registryCalls.expire(info.pubkey));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(report.events[1]?.data, {
      worker: toHex(info.pubkey),
      from: 'Registered',
      to: 'Expired',
    });
    assert.equal(getWorker(chain.reader, info.pubkey)?.state, 'Expired');

    assert.equal(
      outcomeOf(chain.applySigned('ferdie', registryCalls.expire(info.pubkey))),
      'registry.AlreadyExpired',
    );
    assert.equal(
      outcomeOf(chain.applySigned('ferdie', registryCalls.expire(new Uint8Array(32)))),
      'registry.WorkerNotFound',
    );

    // Re-attesting brings it back to Registered.
    const again = workerInfoFor(chain, worker);
    const back = register(chain, 'bob', again, simEvidence(pki, again));
    assert.equal(outcomeOf(back), 'ok');
    assert.deepEqual(
      back.events.filter((event) => event.name === 'WorkerStateChanged').map((event) => event.data),
      [{ worker: toHex(info.pubkey), from: 'Expired', to: 'Registered' }],
    );
  });
});
