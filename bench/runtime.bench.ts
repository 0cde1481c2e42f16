// Block execution of signed transfers against its physical floor, bare ed25519 verification of the
// same signatures, measured in the same run (issue 2: at most 3x). The block runs through the
// node's interface (beginBlock / apply / finish) over an in-memory state; the node's Merkle commit
// of the changes is measured on its side. `npx tsx bench/runtime.bench.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { encodeAddress } from '../src/codec/address.js';
import { ExtrinsicCodec, extrinsicSigningPayload, signExtrinsic } from '../src/codec/chain.js';
import { devSeed } from '../src/codec/devKeys.js';
import { blake2b256 } from '../src/codec/hash.js';
import { ed25519FromSeed, ed25519Verify, type Keypair } from '../src/codec/keys.js';
import { balancesCalls } from '../src/runtime/balances/types.js';
import { createDevGenesisConfig, createRuntime, UNIT } from '../src/runtime/index.js';
import { createMapReader } from '../src/runtime/support/overlay.js';
import { applyChanges } from '../src/runtime/testing.js';
import { type BenchOptions, type BenchResult, figure, median } from './figure.js';

export const FIGURE_NAMES = ['runtime.transfers'] as const;

const ACCOUNTS = 500;

export async function runRuntimeBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const transfers = options.quick ? 200 : 2000;
  const rounds = options.quick ? 2 : 5;
  const runtime = createRuntime();
  const keys: Keypair[] = Array.from({ length: ACCOUNTS }, (_, i) => ed25519FromSeed(devSeed(`bench-${i}`)));
  const config = createDevGenesisConfig({ chainName: 'bench' });
  config.balances.accounts = keys.map((key) => ({
    account: encodeAddress(key.publicKey),
    free: (1_000_000n * UNIT).toString(),
  }));
  const state = new Map<string, Uint8Array>();
  applyChanges(state, runtime.buildGenesisState(config));
  const genesisHash = blake2b256(new TextEncoder().encode('bench genesis'));

  // Sender i % ACCOUNTS sends to a pseudo-random other account; nonces count up per sender.
  const nonces = new Array<number>(ACCOUNTS).fill(0);
  const extrinsics: Uint8Array[] = [];
  const checks: { publicKey: Uint8Array; payload: Uint8Array; signature: Uint8Array }[] = [];
  for (let i = 0; i < transfers; i++) {
    const from = i % ACCOUNTS;
    const to = (from * 7 + i + 1) % ACCOUNTS;
    const sender = keys[from]!;
    const call = balancesCalls.transfer({
      dest: keys[to === from ? (to + 1) % ACCOUNTS : to]!.publicKey,
      amount: UNIT + BigInt(i),
    });
    const nonce = nonces[from]!++;
    const bytes = signExtrinsic({
      genesisHash,
      signerSeed: sender.secretSeed,
      signer: sender.publicKey,
      nonce,
      call,
    });
    extrinsics.push(bytes);
    const decoded = ExtrinsicCodec.dec(bytes);
    checks.push({
      publicKey: sender.publicKey,
      payload: extrinsicSigningPayload(genesisHash, sender.publicKey, nonce, call),
      signature: decoded.signature!.signature,
    });
  }

  const reader = createMapReader(state);
  const context = {
    number: 1,
    timestamp: 1_700_000_000_000n,
    parentHash: genesisHash,
    author: keys[0]!.publicKey,
  };
  const verifyTimes: number[] = [];
  const blockTimes: number[] = [];
  let changed = 0;
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    for (const { publicKey, payload, signature } of checks) {
      if (!ed25519Verify(publicKey, payload, signature)) throw new Error('bench signature does not verify');
    }
    verifyTimes.push(performance.now() - start);

    start = performance.now();
    const builder = runtime.beginBlock(reader, context, genesisHash);
    for (const extrinsic of extrinsics) {
      const result = builder.apply(extrinsic);
      if (!result.included || !result.outcome.ok)
        throw new Error(`bench transfer failed: ${JSON.stringify(result)}`);
    }
    const execution = builder.finish();
    blockTimes.push(performance.now() - start);
    changed = execution.changes.size;
  }
  const verify = median(verifyTimes);
  const block = median(blockTimes);
  const perTransfer = (block / transfers) * 1000;
  const perVerify = (verify / transfers) * 1000;
  const markdown = [
    `Block of ${transfers} signed transfers among ${ACCOUNTS} accounts, median of ${rounds} rounds; ${changed} keys changed.`,
    '',
    '| measure | total (ms) | per transfer (µs) | ratio to ed25519 verify |',
    '|---|---:|---:|---:|',
    `| bare ed25519Verify of the same signatures | ${verify.toFixed(1)} | ${perVerify.toFixed(1)} | 1.00 |`,
    `| runtime block execution (beginBlock, apply ×${transfers}, finish) | ${block.toFixed(1)} | ${perTransfer.toFixed(1)} | ${(block / verify).toFixed(2)} |`,
  ].join('\n');
  return {
    markdown,
    figures: [
      figure('runtime.transfers', 'µs/transfer', perTransfer, {
        name: 'ed25519Verify of the same signatures (src/codec, keys cached)',
        value: perVerify,
      }),
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runRuntimeBench({ quick: process.argv.includes('--quick') })).markdown);
}
