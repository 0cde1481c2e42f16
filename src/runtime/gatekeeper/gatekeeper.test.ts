import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSimPki } from '../../attestation/sim/index.js';
import { equalBytes, toHex, utf8 } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { devSeed } from '../../codec/devKeys.js';
import { decryptFromX25519, encryptToX25519 } from '../../codec/encryption.js';
import { ed25519FromSeed, ed25519Sign, type Keypair, x25519FromSecret } from '../../codec/keys.js';
import { governanceCalls } from '../governance/types.js';
import { getPolicy, getWorker } from '../registry/queries.js';
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
} from '../registry/testing.js';
import { type RegistryPolicy, registryCalls } from '../registry/types.js';
import { listErrors } from '../support/errors.js';
import { keyToHex } from '../support/overlay.js';
import type { Signer, TestChain } from '../testing.js';
import { GatekeeperErrors } from './errors.js';
import {
  getEncryptedKey,
  getGatekeepers,
  getMasterPubkey,
  getSharedMasterKey,
  isSequenceUsed,
} from './queries.js';
import { UsedSequences } from './storage.js';
import {
  gatekeeperCalls,
  MASTER_KEY_BOX_INFO,
  NETWORK_KEY_BOX_INFO,
  provisionPayload,
  SEQUENCE_WINDOW_BLOCKS,
  sequenceNumber,
  setMasterPubkeyPayload,
  shareMasterKeyPayload,
} from './types.js';

const pki = createSimPki({ seed: Uint8Array.of(7, 3), now: SIM_TEST_NOW });
const master: Keypair = ed25519FromSeed(devSeed('network master key'));
const networkKey = devSeed('network key');

function sudo(chain: TestChain, call: Call) {
  const report = chain.applySigned('alice', governanceCalls.sudo(call));
  const sudid = report.events.find((event) => event.name === 'Sudid');
  return { report, error: (sudid?.data.error as { error?: string } | null)?.error ?? 'ok' };
}

/** A network key box for `worker`, signed with `signer` (the master key unless a test says otherwise). */
function provisionMessage(chain: TestChain, worker: TestWorker, seq: bigint, signer: Keypair = master) {
  const encryptedKey = encryptToX25519(worker.ecdh.publicKey, networkKey, NETWORK_KEY_BOX_INFO);
  const masterSignature = ed25519Sign(
    signer.secretSeed,
    provisionPayload(chain.genesisHash, worker.identity.publicKey, encryptedKey, seq),
  );
  return gatekeeperCalls.provision({ worker: worker.identity.publicKey, encryptedKey, seq, masterSignature });
}

function expectNothingWritten(
  report: ReturnType<TestChain['applySigned']>,
  signer: Signer,
  error: keyof typeof GatekeeperErrors,
) {
  assert.equal(outcomeOf(report), `gatekeeper.${error}`);
  assert.deepEqual(report.written, feeAndNonceKeys(signer));
  assert.deepEqual(
    report.events.map((event) => `${event.module}.${event.name}`),
    ['balances.FeePaid', 'system.ExtrinsicFailed'],
  );
}

/** A chain with gatekeeper gk1 (master key published), gatekeeper candidate gk2, and worker w. */
function setUp() {
  const chain = createRegistryTestChain({ simRoots: [pki] });
  const gk1 = createTestWorker('gk1', 'bob');
  const gk2 = createTestWorker('gk2', 'charlie');
  const worker = createTestWorker('w1', 'dave');
  for (const each of [gk1, gk2, worker]) registerSimWorker(chain, pki, each);
  assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(gk1.identity.publicKey)).error, 'ok');
  const signature = ed25519Sign(
    gk1.identity.secretSeed,
    setMasterPubkeyPayload(chain.genesisHash, gk1.identity.publicKey, master.publicKey),
  );
  const published = chain.applySigned(
    'bob',
    gatekeeperCalls.setMasterPubkey({
      gatekeeper: gk1.identity.publicKey,
      masterPubkey: master.publicKey,
      signature,
    }),
  );
  assert.equal(outcomeOf(published), 'ok');
  return { chain, gk1, gk2, worker };
}

describe('gatekeeper set and master public key', () => {
  test('governance adds registered workers only, once each, and removes them, with events', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const gk = createTestWorker('set-1', 'bob');
    assert.equal(
      sudo(chain, gatekeeperCalls.addGatekeeper(gk.identity.publicKey)).error,
      'NotRegisteredWorker',
    );
    registerSimWorker(chain, pki, gk);
    const added = sudo(chain, gatekeeperCalls.addGatekeeper(gk.identity.publicKey));
    assert.equal(added.error, 'ok');
    assert.deepEqual(added.report.events.find((event) => event.name === 'GatekeeperAdded')?.data, {
      gatekeeper: toHex(gk.identity.publicKey),
    });
    assert.deepEqual(getGatekeepers(chain.reader), [gk.identity.publicKey]);
    assert.equal(
      sudo(chain, gatekeeperCalls.addGatekeeper(gk.identity.publicKey)).error,
      'AlreadyGatekeeper',
    );
    assert.equal(
      outcomeOf(chain.applySigned('bob', gatekeeperCalls.addGatekeeper(gk.identity.publicKey))),
      'invalid:BadOrigin',
    );

    const removed = sudo(chain, gatekeeperCalls.removeGatekeeper(gk.identity.publicKey));
    assert.equal(removed.error, 'ok');
    assert.ok(removed.report.events.some((event) => event.name === 'GatekeeperRemoved'));
    assert.deepEqual(getGatekeepers(chain.reader), []);
    assert.equal(sudo(chain, gatekeeperCalls.removeGatekeeper(gk.identity.publicKey)).error, 'NotGatekeeper');
  });

  test('the master public key is accepted once, from a gatekeeper, under its identity signature', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const gk = createTestWorker('mk-1', 'bob');
    const outsider = createTestWorker('mk-2', 'charlie');
    registerSimWorker(chain, pki, gk);
    registerSimWorker(chain, pki, outsider);
    assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(gk.identity.publicKey)).error, 'ok');
    const publish = (who: TestWorker, key: Keypair) =>
      gatekeeperCalls.setMasterPubkey({
        gatekeeper: who.identity.publicKey,
        masterPubkey: master.publicKey,
        signature: ed25519Sign(
          key.secretSeed,
          setMasterPubkeyPayload(chain.genesisHash, who.identity.publicKey, master.publicKey),
        ),
      });
    expectNothingWritten(
      chain.applySigned('charlie', publish(outsider, outsider.identity)),
      'charlie',
      'NotGatekeeper',
    );
    expectNothingWritten(
      chain.applySigned('charlie', publish(gk, outsider.identity)),
      'charlie',
      'BadGatekeeperSignature',
    );
    assert.equal(getMasterPubkey(chain.reader), undefined);

    const report = chain.applySigned('bob', publish(gk, gk.identity));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(report.events[1]?.data, {
      gatekeeper: toHex(gk.identity.publicKey),
      masterPubkey: toHex(master.publicKey),
    });
    assert.deepEqual(getMasterPubkey(chain.reader), master.publicKey);
    expectNothingWritten(chain.applySigned('bob', publish(gk, gk.identity)), 'bob', 'MasterKeyAlreadySet');
  });
});

describe('gatekeeper.provision', () => {
  test('a master-signed provision makes a Registered worker Provisioned and stores a box it can open', () => {
    const { chain, worker } = setUp();
    // Any signed account may submit it: here eve, who is neither gatekeeper nor operator.
    const report = chain.applySigned('eve', provisionMessage(chain, worker, 1n));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(
      report.events.map((event) => `${event.module}.${event.name}`),
      [
        'balances.FeePaid',
        'registry.WorkerStateChanged',
        'gatekeeper.WorkerProvisioned',
        'system.ExtrinsicSuccess',
      ],
    );
    assert.deepEqual(report.events[1]?.data, {
      worker: toHex(worker.identity.publicKey),
      from: 'Registered',
      to: 'Provisioned',
    });
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Provisioned');
    const stored = getEncryptedKey(chain.reader, worker.identity.publicKey);
    assert.equal(stored?.seq, 1n);
    assert.deepEqual(
      decryptFromX25519(
        worker.ecdh.secretSeed,
        worker.ecdh.publicKey,
        stored!.encryptedKey,
        NETWORK_KEY_BOX_INFO,
      ),
      networkKey,
    );
  });

  test('refuses a provision not signed by the master key (e.g. by a non-gatekeeper), and writes nothing', () => {
    const { chain, gk2, worker } = setUp();
    expectNothingWritten(
      chain.applySigned('charlie', provisionMessage(chain, worker, 1n, gk2.identity)),
      'charlie',
      'BadMasterSignature',
    );
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Registered');
    // A master signature over another worker does not carry over.
    const other = createTestWorker('w-other', 'dave');
    const forged = gatekeeperCalls.provision({
      worker: worker.identity.publicKey,
      encryptedKey: encryptToX25519(worker.ecdh.publicKey, networkKey, NETWORK_KEY_BOX_INFO),
      seq: 2n,
      masterSignature: ed25519Sign(
        master.secretSeed,
        provisionPayload(chain.genesisHash, other.identity.publicKey, new Uint8Array(80), 2n),
      ),
    });
    expectNothingWritten(chain.applySigned('eve', forged), 'eve', 'BadMasterSignature');
  });

  test('refuses a replayed sequence number, even for another worker, and writes nothing', () => {
    const { chain, gk2, worker } = setUp();
    const message = provisionMessage(chain, worker, 7n);
    assert.equal(outcomeOf(chain.applySigned('eve', message)), 'ok');
    // The very same message again (a racing gatekeeper), then a fresh message reusing seq 7.
    expectNothingWritten(chain.applySigned('ferdie', message), 'ferdie', 'SequenceReplayed');
    expectNothingWritten(
      chain.applySigned('ferdie', provisionMessage(chain, gk2, 7n)),
      'ferdie',
      'SequenceReplayed',
    );
    assert.equal(getWorker(chain.reader, gk2.identity.publicKey)?.state, 'Registered');
  });

  test('a second provision of a Provisioned worker changes nothing (AlreadyProvisioned)', () => {
    const { chain, worker } = setUp();
    assert.equal(outcomeOf(chain.applySigned('eve', provisionMessage(chain, worker, 1n))), 'ok');
    const box = getEncryptedKey(chain.reader, worker.identity.publicKey);
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, 2n)),
      'eve',
      'AlreadyProvisioned',
    );
    assert.deepEqual(getEncryptedKey(chain.reader, worker.identity.publicKey), box);
  });

  test('refuses to provision a key that is not a Registered worker', () => {
    const { chain } = setUp();
    const stranger = createTestWorker('stranger', 'dave');
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, stranger, 1n)),
      'eve',
      'WorkerNotRegistered',
    );
  });

  test('refuses master-signed messages while no master public key is set', () => {
    const chain = createRegistryTestChain({ simRoots: [pki] });
    const worker = createTestWorker('early', 'dave');
    registerSimWorker(chain, pki, worker);
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, 1n)),
      'eve',
      'MasterKeyNotSet',
    );
  });

  test('re-attestation keeps a worker Provisioned, unless its ECDH key changed', () => {
    const { chain, worker } = setUp();
    assert.equal(outcomeOf(chain.applySigned('eve', provisionMessage(chain, worker, 1n))), 'ok');
    const info = workerInfoFor(chain, worker);
    const same = register(chain, 'dave', info, simEvidence(pki, info));
    assert.equal(outcomeOf(same), 'ok');
    assert.ok(!same.events.some((event) => event.name === 'WorkerStateChanged'));
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Provisioned');

    const rekeyed = {
      ...workerInfoFor(chain, worker),
      ecdhPubkey: x25519FromSecret(devSeed('new ecdh')).publicKey,
    };
    const report = register(chain, 'dave', rekeyed, simEvidence(pki, rekeyed));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(report.events.find((event) => event.name === 'WorkerStateChanged')?.data, {
      worker: toHex(worker.identity.publicKey),
      from: 'Provisioned',
      to: 'Registered',
    });
  });
});

describe('gatekeeper.shareMasterKey', () => {
  test('the master key shared to a second gatekeeper lets it provision a worker', () => {
    const { chain, gk2 } = setUp();
    assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(gk2.identity.publicKey)).error, 'ok');
    // gk1 (holding the master key) encrypts it to gk2's ECDH key and signs with the master key.
    const encryptedKey = encryptToX25519(gk2.ecdh.publicKey, master.secretSeed, MASTER_KEY_BOX_INFO);
    const masterSignature = ed25519Sign(
      master.secretSeed,
      shareMasterKeyPayload(chain.genesisHash, gk2.identity.publicKey, encryptedKey, 100n),
    );
    const shared = chain.applySigned(
      'bob',
      gatekeeperCalls.shareMasterKey({
        target: gk2.identity.publicKey,
        encryptedKey,
        seq: 100n,
        masterSignature,
      }),
    );
    assert.equal(outcomeOf(shared), 'ok');
    assert.deepEqual(shared.events[1]?.data, {
      target: toHex(gk2.identity.publicKey),
      encryptedKey: toHex(encryptedKey),
      seq: '100',
    });

    // gk2 picks the box up from state, opens it with its own ECDH key and checks the public key.
    const box = getSharedMasterKey(chain.reader, gk2.identity.publicKey)!.encryptedKey;
    const recovered = ed25519FromSeed(
      decryptFromX25519(gk2.ecdh.secretSeed, gk2.ecdh.publicKey, box, MASTER_KEY_BOX_INFO),
    );
    assert.deepEqual(recovered.publicKey, getMasterPubkey(chain.reader));

    const newcomer = createTestWorker('w2', 'ferdie');
    registerSimWorker(chain, pki, newcomer);
    const report = chain.applySigned('charlie', provisionMessage(chain, newcomer, 101n, recovered));
    assert.equal(outcomeOf(report), 'ok');
    assert.equal(getWorker(chain.reader, newcomer.identity.publicKey)?.state, 'Provisioned');
    const stored = getEncryptedKey(chain.reader, newcomer.identity.publicKey)!;
    assert.deepEqual(
      decryptFromX25519(
        newcomer.ecdh.secretSeed,
        newcomer.ecdh.publicKey,
        stored.encryptedKey,
        NETWORK_KEY_BOX_INFO,
      ),
      networkKey,
    );
  });

  test('refuses to share to a key outside the gatekeeper set, or without the master signature', () => {
    const { chain, gk2 } = setUp();
    const encryptedKey = encryptToX25519(gk2.ecdh.publicKey, master.secretSeed, MASTER_KEY_BOX_INFO);
    const share = (signer: Keypair, seq: bigint) =>
      gatekeeperCalls.shareMasterKey({
        target: gk2.identity.publicKey,
        encryptedKey,
        seq,
        masterSignature: ed25519Sign(
          signer.secretSeed,
          shareMasterKeyPayload(chain.genesisHash, gk2.identity.publicKey, encryptedKey, seq),
        ),
      });
    expectNothingWritten(chain.applySigned('bob', share(master, 1n)), 'bob', 'NotGatekeeper');
    assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(gk2.identity.publicKey)).error, 'ok');
    expectNothingWritten(chain.applySigned('bob', share(gk2.identity, 1n)), 'bob', 'BadMasterSignature');
    assert.equal(getSharedMasterKey(chain.reader, gk2.identity.publicKey), undefined);
  });

  test('keeps every gatekeeper error at its code (append only)', () => {
    assert.deepEqual(
      listErrors(GatekeeperErrors).map((error) => `${error.code}:${error.error}`),
      [
        '0:NotRegisteredWorker',
        '1:AlreadyGatekeeper',
        '2:TooManyGatekeepers',
        '3:NotGatekeeper',
        '4:MasterKeyAlreadySet',
        '5:MasterKeyNotSet',
        '6:BadGatekeeperSignature',
        '7:BadMasterSignature',
        '8:SequenceReplayed',
        '9:WorkerNotRegistered',
        '10:AlreadyProvisioned',
        '11:InvalidEncryptedKey',
        '12:RegistrationExpired',
        '13:TcbStatusNoLongerAccepted',
        '14:AdvisoryNoLongerAllowed',
        '15:MeasurementNoLongerAllowed',
        '16:SequenceOutsideWindow',
      ],
    );
  });
});

describe('keys only for registrations that still stand (the policy and expiry in force now)', () => {
  // A second build the chain allowlists at first and governance later revokes.
  const REVOKED_BUILD = new Uint8Array(32).fill(0x3c);

  /** setUp's chain, plus worker `w` registered with REVOKED_BUILD (or `tcbStatus`), validity `validityMs`. */
  function setUpWith(options: { tcbStatus?: 'SWHardeningNeeded'; validityMs?: number } = {}) {
    const chain = createRegistryTestChain({
      simRoots: [pki],
      policy: {
        ...(options.validityMs === undefined ? {} : { attestationValidityMs: options.validityMs }),
        acceptedTcbStatuses: ['UpToDate', 'SWHardeningNeeded'],
      },
    });
    // The dev allowlist, plus the build to be revoked.
    const policy = getPolicy(chain.reader)!;
    const withBuild = {
      ...policy,
      measurementAllowlist: [
        ...policy.measurementAllowlist,
        {
          tag: 'Sgx' as const,
          value: {
            mrEnclave: REVOKED_BUILD,
            mrSigner: undefined,
            isvProdId: undefined,
            minIsvSvn: undefined,
          },
        },
      ],
    };
    assert.equal(sudo(chain, registryCalls.setPolicy(withBuild)).error, 'ok');
    const gk1 = createTestWorker('gk1', 'bob');
    registerSimWorker(chain, pki, gk1);
    assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(gk1.identity.publicKey)).error, 'ok');
    const published = chain.applySigned(
      'bob',
      gatekeeperCalls.setMasterPubkey({
        gatekeeper: gk1.identity.publicKey,
        masterPubkey: master.publicKey,
        signature: ed25519Sign(
          gk1.identity.secretSeed,
          setMasterPubkeyPayload(chain.genesisHash, gk1.identity.publicKey, master.publicKey),
        ),
      }),
    );
    assert.equal(outcomeOf(published), 'ok');
    const worker = createTestWorker('w-revocable', 'dave');
    const info = workerInfoFor(chain, worker);
    const evidence = simEvidence(pki, info, {
      mrEnclave: REVOKED_BUILD,
      ...(options.tcbStatus === undefined ? {} : { tcbStatus: options.tcbStatus }),
    });
    assert.equal(outcomeOf(register(chain, 'dave', info, evidence)), 'ok');
    return { chain, gk1, worker };
  }

  /** Governance replaces the policy: `change` edits a copy of the one in force. */
  function governanceChangesPolicy(chain: TestChain, change: (policy: RegistryPolicy) => RegistryPolicy) {
    assert.equal(sudo(chain, registryCalls.setPolicy(change(getPolicy(chain.reader)!))).error, 'ok');
  }

  const revokeBuild = (policy: RegistryPolicy): RegistryPolicy => ({
    ...policy,
    measurementAllowlist: policy.measurementAllowlist.filter(
      (rule) =>
        !(rule.tag === 'Sgx' && rule.value.mrEnclave && equalBytes(rule.value.mrEnclave, REVOKED_BUILD)),
    ),
  });

  test('refuses to provision a Registered worker whose measurement governance has since revoked', () => {
    const { chain, worker } = setUpWith();
    governanceChangesPolicy(chain, revokeBuild);
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, 1n)),
      'eve',
      'MeasurementNoLongerAllowed',
    );
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Registered');
    assert.equal(getEncryptedKey(chain.reader, worker.identity.publicKey), undefined);
  });

  test('refuses to provision a worker whose recorded TCB status the policy no longer accepts', () => {
    const { chain, worker } = setUpWith({ tcbStatus: 'SWHardeningNeeded' });
    governanceChangesPolicy(chain, (policy) => ({ ...policy, acceptedTcbStatuses: ['UpToDate'] }));
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, 1n)),
      'eve',
      'TcbStatusNoLongerAccepted',
    );
  });

  test('refuses to provision a worker whose advisories the new advisory allowlist leaves out', () => {
    // The sim SWHardeningNeeded level carries INTEL-SA-00615.
    const { chain, worker } = setUpWith({ tcbStatus: 'SWHardeningNeeded' });
    governanceChangesPolicy(chain, (policy) => ({ ...policy, advisoryAllowlist: ['INTEL-SA-00334'] }));
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, 1n)),
      'eve',
      'AdvisoryNoLongerAllowed',
    );
  });

  test('refuses to provision a registration past its expiry, even before anyone marks it Expired', () => {
    // 30 s validity: five 6-second blocks.
    const { chain, worker } = setUpWith({ validityMs: 30_000 });
    const expiresAt = getWorker(chain.reader, worker.identity.publicKey)!.attestation.expiresAt;
    while (chain.nextBlockContext().timestamp < expiresAt) chain.executeBlock([]);
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Registered');
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, 1n)),
      'eve',
      'RegistrationExpired',
    );
  });

  test('provisions the same worker while its build is still allowlisted (the refusals above are the policy change)', () => {
    const { chain, worker } = setUpWith();
    assert.equal(outcomeOf(chain.applySigned('eve', provisionMessage(chain, worker, 1n))), 'ok');
  });

  test('governance cannot make a worker with a revoked build or an expired registration a gatekeeper', () => {
    const { chain, worker } = setUpWith({ validityMs: 30_000 });
    governanceChangesPolicy(chain, revokeBuild);
    const refused = sudo(chain, gatekeeperCalls.addGatekeeper(worker.identity.publicKey));
    assert.equal(refused.error, 'MeasurementNoLongerAllowed');
    assert.equal(
      getGatekeepers(chain.reader).some((key) => equalBytes(key, worker.identity.publicKey)),
      false,
    );

    const late = createTestWorker('w-late', 'ferdie');
    registerSimWorker(chain, pki, late);
    const expiresAt = getWorker(chain.reader, late.identity.publicKey)!.attestation.expiresAt;
    while (chain.nextBlockContext().timestamp < expiresAt) chain.executeBlock([]);
    assert.equal(
      sudo(chain, gatekeeperCalls.addGatekeeper(late.identity.publicKey)).error,
      'RegistrationExpired',
    );
    assert.equal(
      getGatekeepers(chain.reader).some((key) => equalBytes(key, late.identity.publicKey)),
      false,
    );
  });

  test('refuses to share the master key with a gatekeeper whose build governance has since revoked', () => {
    const { chain, worker } = setUpWith();
    assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(worker.identity.publicKey)).error, 'ok');
    governanceChangesPolicy(chain, revokeBuild);
    const encryptedKey = encryptToX25519(worker.ecdh.publicKey, master.secretSeed, MASTER_KEY_BOX_INFO);
    const share = gatekeeperCalls.shareMasterKey({
      target: worker.identity.publicKey,
      encryptedKey,
      seq: 5n,
      masterSignature: ed25519Sign(
        master.secretSeed,
        shareMasterKeyPayload(chain.genesisHash, worker.identity.publicKey, encryptedKey, 5n),
      ),
    });
    expectNothingWritten(chain.applySigned('bob', share), 'bob', 'MeasurementNoLongerAllowed');
    assert.equal(getSharedMasterKey(chain.reader, worker.identity.publicKey), undefined);
  });
});

describe('sequence numbers: accepted within a window of blocks, and forgotten once it has passed', () => {
  const W = SEQUENCE_WINDOW_BLOCKS;

  /** Runs empty blocks until the next block to execute is `number`. */
  function advanceTo(chain: TestChain, number: number) {
    while (chain.number + 1 < number) chain.executeBlock([]);
    assert.equal(chain.nextBlockContext().number, number);
  }

  /** Entries of the used set, and of it with its expiry queue (buckets, lengths, cursor), from state. */
  function sequenceEntries(chain: TestChain): { used: number; total: number } {
    const used = keyToHex(UsedSequences.prefix);
    const queue = keyToHex(utf8('gatekeeper/SequenceExpiries'));
    const keys = [...chain.state.keys()];
    return {
      used: keys.filter((hex) => hex.startsWith(used)).length,
      total: keys.filter((hex) => hex.startsWith(used) || hex.startsWith(queue)).length,
    };
  }

  test('refuses a replayed provision while its number is in the set, and after the number left the set', () => {
    const { chain, worker } = setUp();
    const madeAt = chain.number;
    const seq = sequenceNumber(madeAt, 1);
    const message = provisionMessage(chain, worker, seq);
    assert.equal(outcomeOf(chain.applySigned('eve', message)), 'ok');
    assert.equal(isSequenceUsed(chain.reader, seq), true);

    // The worker re-attests with a new ECDH key and is Registered again: the old box is useless to
    // it, and replaying the old message would hand it that box and mark it Provisioned.
    const rekeyed: TestWorker = { ...worker, ecdh: x25519FromSecret(devSeed('worker-ecdh/w1 rekeyed')) };
    const info = workerInfoFor(chain, rekeyed);
    assert.equal(outcomeOf(register(chain, 'dave', info, simEvidence(pki, info))), 'ok');
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Registered');

    // The last block of the window: still in the set, refused as a replay.
    advanceTo(chain, madeAt + W);
    expectNothingWritten(chain.applySigned('ferdie', message), 'ferdie', 'SequenceReplayed');
    assert.equal(isSequenceUsed(chain.reader, seq), true);

    // The next block drops it from the set, and the window refuses it instead.
    expectNothingWritten(chain.applySigned('ferdie', message), 'ferdie', 'SequenceOutsideWindow');
    assert.equal(isSequenceUsed(chain.reader, seq), false);
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Registered');

    // Long after, too; while a message made now provisions the re-attested worker.
    advanceTo(chain, madeAt + 3 * W);
    expectNothingWritten(chain.applySigned('ferdie', message), 'ferdie', 'SequenceOutsideWindow');
    const fresh = provisionMessage(chain, rekeyed, sequenceNumber(chain.number, 1));
    assert.equal(outcomeOf(chain.applySigned('eve', fresh)), 'ok');
    assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Provisioned');
  });

  test('refuses a number made at a block the chain has not reached, and writes nothing', () => {
    const { chain, worker } = setUp();
    const ahead = sequenceNumber(chain.number + 2, 1);
    expectNothingWritten(
      chain.applySigned('eve', provisionMessage(chain, worker, ahead)),
      'eve',
      'SequenceOutsideWindow',
    );
  });

  test('keeps the used set one window large however many messages it accepts over many blocks', () => {
    const { chain, gk2 } = setUp();
    assert.equal(sudo(chain, gatekeeperCalls.addGatekeeper(gk2.identity.publicKey)).error, 'ok');
    const encryptedKey = encryptToX25519(gk2.ecdh.publicKey, master.secretSeed, MASTER_KEY_BOX_INFO);
    const share = () => {
      const seq = sequenceNumber(chain.number, 7);
      return gatekeeperCalls.shareMasterKey({
        target: gk2.identity.publicKey,
        encryptedKey,
        seq,
        masterSignature: ed25519Sign(
          master.secretSeed,
          shareMasterKeyPayload(chain.genesisHash, gk2.identity.publicKey, encryptedKey, seq),
        ),
      });
    };
    // One accepted message every 20 blocks (each share runs in a block of its own) for 4 windows.
    const every = 20;
    const perWindow = W / every;
    const sizes: { used: number; total: number }[] = [];
    let accepted = 0;
    for (let window = 0; window < 4; window++) {
      for (let i = 0; i < perWindow; i++) {
        assert.equal(outcomeOf(chain.applySigned('bob', share())), 'ok');
        accepted++;
        for (let j = 1; j < every; j++) chain.executeBlock([]);
      }
      sizes.push(sequenceEntries(chain));
    }
    assert.equal(accepted, 4 * perWindow);
    // The set holds the numbers of one window, not of all 4; with the queue's entries for them
    // (an entry and a bucket length each) and its cursor, the whole stays flat window after window.
    const shown = JSON.stringify(sizes);
    assert.ok(
      sizes.every(({ used }) => used >= perWindow - 1 && used <= perWindow + 1),
      shown,
    );
    assert.equal(sizes[1]!.total, sizes[2]!.total, shown);
    assert.equal(sizes[2]!.total, sizes[3]!.total, shown);
    assert.ok(sizes[3]!.total <= 3 * (perWindow + 1) + 1, shown);
  });
});
