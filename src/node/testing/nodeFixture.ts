// Shared set-up for the node's tests: the dev genesis with a fixed timestamp, signed transfers,
// temp dirs, and nodes on a manual clock. Everything runs the real Phalanx runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signExtrinsic } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { balancesCalls } from '../../runtime/balances/types.js';
import { createDevGenesisConfig } from '../../runtime/index.js';
import { Nonces } from '../../runtime/system/storage.js';
import { createNode, type Node, type NodeRole } from '../createNode.js';

export const GENESIS_TIME = 1_700_000_000_000;

export function testGenesis(): Record<string, unknown> {
  return { ...createDevGenesisConfig(), timestamp: GENESIS_TIME };
}

export function transfer(
  genesisHash: Uint8Array,
  from: string,
  to: string,
  amount: bigint,
  nonce: number,
): Uint8Array {
  const signer = devKeypair(from);
  return signExtrinsic({
    genesisHash,
    signerSeed: signer.secretSeed,
    signer: signer.publicKey,
    nonce,
    call: balancesCalls.transfer({ dest: devKeypair(to).publicKey, amount }),
  });
}

/** The storage key of an account's nonce (system.Nonces). */
export function nonceKey(name: string): Uint8Array {
  return Nonces.keyOf(devKeypair(name).publicKey);
}

export function makeTempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'phalanx-node-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A node on a manual clock that moves one second per reading, so timestamps always increase. */
export function openTestNode(dataDir: string, role?: NodeRole, genesis: unknown = testGenesis()): Node {
  let now = GENESIS_TIME;
  return createNode({
    dataDir,
    genesis,
    role: role ?? { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: 1000,
    clock: () => {
      now += 1000;
      return now;
    },
  });
}
