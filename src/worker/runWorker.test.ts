// runWorker as `phalanx worker --tee sim` runs it: the sim PKI file in the shared machine folder, the
// chain pinned on first start, and a clean stop.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { devKeypair } from '../codec/devKeys.js';
import { createNode } from '../node/createNode.js';
import { createRpcServer } from '../node/rpc/createRpcServer.js';
import { createDevGenesisConfig } from '../runtime/genesis/createDevGenesisConfig.js';
import { loadOrCreateSimPki } from './host/loadOrCreateSimPki.js';
import { runWorker } from './runWorker.js';

const GENESIS_TIME = 1_700_000_000_000;
const root = mkdtempSync(join(tmpdir(), 'phalanx-run-worker-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('runWorker', () => {
  it('runs a sim worker from a shared sim machine folder to Registered, and stops cleanly', async () => {
    const machineDir = join(root, 'sim-machine');
    // The devnet's order: the sim PKI first, then a genesis that trusts its root.
    const pki = loadOrCreateSimPki(machineDir, GENESIS_TIME / 1000);
    // Same parameters, same root key (the DER differs only by ECDSA's random signature nonce).
    const rootKey = (der: Uint8Array) =>
      new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
    const again = loadOrCreateSimPki(machineDir, GENESIS_TIME / 1000 + 999);
    assert.deepEqual(rootKey(again.rootCertDer), rootKey(pki.rootCertDer));
    assert.equal(again.issuedAt, pki.issuedAt);
    let now = GENESIS_TIME;
    const node = createNode({
      dataDir: join(root, 'node'),
      genesis: { ...createDevGenesisConfig({ simRoots: [pki.rootCertDer] }), timestamp: GENESIS_TIME },
      role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
      blockIntervalMs: 40,
      clock: () => (now += 1000),
    });
    const server = await createRpcServer({ chain: node, host: '127.0.0.1', port: 0 });
    await node.start();
    const dataDir = join(root, 'worker');
    const worker = await runWorker({
      tee: 'sim',
      rpcUrl: server.url,
      dataDir,
      operator: devKeypair('dave'),
      simMachineDir: machineDir,
      pollIntervalMs: 20,
      logger: pino({ level: 'silent' }),
      now: () => GENESIS_TIME,
    });
    try {
      await new Promise<void>((resolve) => {
        const stop = worker.host.onStatus((status) => {
          if (status.state === 'Registered') {
            stop();
            resolve();
          }
        });
      });
      await worker.stop();
      await worker.stop();
      // Sealed state only; a clean stop leaves the light client checkpoint for the next start.
      assert.deepEqual(readdirSync(dataDir).sort(), [
        'genesis.sealed',
        'identity.sealed',
        'light-client.sealed',
      ]);
    } finally {
      await worker.stop();
      await server.close();
      await node.stop();
    }
  });
});
