import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { verifyQuote } from '../../attestation/dcap/verifyQuote.js';
import { createSimPki } from '../../attestation/sim/index.js';
import { utf8 } from '../../codec/bytes.js';
import { encryptToX25519 } from '../../codec/encryption.js';
import { ed25519Verify, generateX25519 } from '../../codec/keys.js';
import { type WorkerInfo, workerInfoReportData } from '../../runtime/registry/types.js';
import { createEnclaveCore, NETWORK_KEY_INFO } from './enclaveCore.js';
import { createSgxEvidenceProvider } from './evidence/createSgxEvidenceProvider.js';
import { createSimEvidenceProvider } from './evidence/createSimEvidenceProvider.js';
import type { EvidenceProvider } from './evidence/types.js';
import { IDENTITY_FILE } from './identity.js';
import { createSimSealingProvider } from './sealing/createSimSealingProvider.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-core-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (what: string) => join(root, `${what}-${n++}`);

const now = 1_700_000_000;
const pki = createSimPki({ seed: utf8('enclave core tests'), now });
const MRENCLAVE = new Uint8Array(32).fill(0x42);

/** A sim worker: sealing and evidence bound to the same simulated machine and measurement. */
function simProviders(machineDir: string) {
  const evidence = createSimEvidenceProvider({ pki, tee: 'sgx', measurement: MRENCLAVE });
  let quotes = 0;
  const counting: EvidenceProvider = {
    tee: evidence.tee,
    kind: evidence.kind,
    getQuote: (data) => {
      quotes++;
      return evidence.getQuote(data);
    },
  };
  return {
    sealing: createSimSealingProvider({ machineDir, measurement: MRENCLAVE }),
    evidence: counting,
    quotes: () => quotes,
  };
}

function infoFor(core: { pubkey: Uint8Array; ecdhPubkey: Uint8Array }): WorkerInfo {
  return {
    version: 1,
    pubkey: core.pubkey,
    ecdhPubkey: core.ecdhPubkey,
    genesisHash: new Uint8Array(32).fill(9),
    operator: new Uint8Array(32).fill(8),
    features: { cores: 4, tee: 'sgx' },
    recentBlock: { number: 17, hash: new Uint8Array(32).fill(7) },
  };
}

describe('enclave core', () => {
  test('keeps its identity across a restart of the same worker on the same machine', async () => {
    const dataDir = fresh('data');
    const machine = fresh('machine');
    const first = await createEnclaveCore({ dataDir, ...simProviders(machine) });
    assert.equal(first.identityCreated, true);
    assert.equal(first.pubkey.length, 32);
    assert.equal(first.ecdhPubkey.length, 32);
    const restarted = await createEnclaveCore({ dataDir, ...simProviders(machine) });
    assert.equal(restarted.identityCreated, false);
    assert.deepEqual(restarted.pubkey, first.pubkey);
    assert.deepEqual(restarted.ecdhPubkey, first.ecdhPubkey);
  });

  test('does not start with a data folder carried to another machine', async () => {
    const dataDir = fresh('data');
    await createEnclaveCore({ dataDir, ...simProviders(fresh('machine')) });
    await assert.rejects(createEnclaveCore({ dataDir, ...simProviders(fresh('machine')) }), {
      code: 'UnsealFailed',
    });
  });

  test('signs with its identity key', async () => {
    const core = await createEnclaveCore({ dataDir: fresh('data'), ...simProviders(fresh('machine')) });
    const message = utf8('heartbeat');
    assert.ok(ed25519Verify(core.pubkey, message, core.sign(message)));
    assert.ok(!ed25519Verify(core.pubkey, utf8('other'), core.sign(message)));
  });

  test('attests its WorkerInfo: the quote verifies to the sim root and commits to the info', async () => {
    const core = await createEnclaveCore({ dataDir: fresh('data'), ...simProviders(fresh('machine')) });
    const info = infoFor(core);
    const { quote, reportData } = await core.attest(info);
    assert.deepEqual(reportData, workerInfoReportData(info));
    const verified = verifyQuote(quote, parseCollateralJson(pki.collateral('sgx')), {
      trusted: { roots: [pki.rootCertDer] },
      at: now + 60,
    });
    assert.deepEqual(verified.reportData, workerInfoReportData(info));
    assert.ok(verified.measurements.tee === 'sgx');
    assert.deepEqual(verified.measurements.mrEnclave, MRENCLAVE);
  });

  test('refuses to attest WorkerInfo with keys or a TEE that are not its own, without asking for a quote', async () => {
    const providers = simProviders(fresh('machine'));
    const core = await createEnclaveCore({ dataDir: fresh('data'), ...providers });
    const info = infoFor(core);
    const other = generateX25519().publicKey;
    for (const bad of [
      { ...info, pubkey: other },
      { ...info, ecdhPubkey: other },
      { ...info, features: { cores: 4, tee: 'tdx' as const } },
    ]) {
      await assert.rejects(core.attest(bad), { name: 'EnclaveError', code: 'WorkerInfoMismatch' });
    }
    await assert.rejects(core.attest({ ...info, features: { cores: -1, tee: 'sgx' } }), {
      code: 'InvalidWorkerInfo',
    });
    await assert.rejects(core.attest({ ...info, version: 2 }), { code: 'InvalidWorkerInfo' });
    assert.equal(providers.quotes(), 0);
  });

  test('decrypts the network key box a gatekeeper encrypted to its ECDH key', async () => {
    const core = await createEnclaveCore({ dataDir: fresh('data'), ...simProviders(fresh('machine')) });
    const networkKey = new Uint8Array(32).fill(0x77);
    assert.deepEqual(
      core.decryptFromChain(encryptToX25519(core.ecdhPubkey, networkKey, NETWORK_KEY_INFO)),
      networkKey,
    );
    // Another purpose, another recipient, or a damaged box: typed errors.
    assert.throws(
      () => core.decryptFromChain(encryptToX25519(core.ecdhPubkey, networkKey, 'phalanx/other')),
      {
        code: 'DecryptionFailed',
      },
    );
    assert.throws(
      () => core.decryptFromChain(encryptToX25519(generateX25519().publicKey, networkKey, NETWORK_KEY_INFO)),
      { code: 'DecryptionFailed' },
    );
    assert.throws(() => core.decryptFromChain(new Uint8Array(10)), { code: 'DecryptionFailed' });
  });

  test('refuses sim sealing under real evidence, and writes no identity', async () => {
    const dataDir = fresh('data');
    const sealing = createSimSealingProvider({ machineDir: fresh('machine'), measurement: MRENCLAVE });
    const evidence = createSgxEvidenceProvider({ attestationRoot: fresh('gramine') });
    await assert.rejects(createEnclaveCore({ dataDir, sealing, evidence }), { code: 'ProviderMismatch' });
    assert.equal(existsSync(join(dataDir, IDENTITY_FILE)), false);
  });
});
