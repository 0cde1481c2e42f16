// Worker registrations verified per second by the chain, against the attestation library's own warm
// verification rate on the same sim DCAP quotes, measured in the same run (issue 4). The chain side
// is one block of N `registry.registerWorker` extrinsics through the runtime's BlockBuilder
// (signature, fee, nonce, SCALE decoding of quote and collateral, every registration check, writes
// and events); the baseline is `createDcapVerifier(...).verify` alone, warm.
// `npx tsx bench/registry.bench.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createDcapVerifier } from '../src/attestation/dcap/verifyQuote.js';
import { createSimPki } from '../src/attestation/sim/index.js';
import { signExtrinsic } from '../src/codec/chain.js';
import { devKeypair, devSeed } from '../src/codec/devKeys.js';
import { blake2b256 } from '../src/codec/hash.js';
import { ed25519FromSeed, x25519FromSecret } from '../src/codec/keys.js';
import { createDevGenesisConfig, createRuntime } from '../src/runtime/index.js';
import { SIM_TEST_NOW, simEvidence } from '../src/runtime/registry/testing.js';
import {
  type Evidence,
  registryCalls,
  WORKER_INFO_VERSION,
  type WorkerInfo,
} from '../src/runtime/registry/types.js';
import { createMapReader } from '../src/runtime/support/overlay.js';
import { applyChanges } from '../src/runtime/testing.js';
import { type BenchOptions, type BenchResult, figure, median } from './figure.js';

export const FIGURE_NAMES = ['registry.registerWorker'] as const;

/** Sim evidence, signed extrinsics and the two things measured: the library alone and the block. */
export function prepareRegistryBench(workers: number) {
  const pki = createSimPki({ seed: devSeed('registry bench sim pki'), now: SIM_TEST_NOW });
  const runtime = createRuntime();
  const config = createDevGenesisConfig({ chainName: 'registry bench', simRoots: [pki.rootCertDer] });
  const state = new Map<string, Uint8Array>();
  applyChanges(state, runtime.buildGenesisState(config));
  const genesisHash = blake2b256(new TextEncoder().encode('registry bench genesis'));
  const operator = devKeypair('bob');

  const evidence: Evidence[] = [];
  const extrinsics: Uint8Array[] = [];
  for (let i = 0; i < workers; i++) {
    const info: WorkerInfo = {
      version: WORKER_INFO_VERSION,
      pubkey: ed25519FromSeed(devSeed(`bench worker ${i}`)).publicKey,
      ecdhPubkey: x25519FromSecret(devSeed(`bench ecdh ${i}`)).publicKey,
      genesisHash,
      operator: operator.publicKey,
      features: { cores: 8, tee: i % 2 === 0 ? 'sgx' : 'tdx' },
      // Block 1 registers them; its parent is genesis.
      recentBlock: { number: 0, hash: genesisHash },
    };
    const each = simEvidence(pki, info);
    evidence.push(each);
    const call = registryCalls.registerWorker(info, each);
    extrinsics.push(
      signExtrinsic({
        genesisHash,
        signerSeed: operator.secretSeed,
        signer: operator.publicKey,
        nonce: i,
        call,
      }),
    );
  }
  const at = SIM_TEST_NOW + 60;
  const context = {
    number: 1,
    timestamp: BigInt(at) * 1000n,
    parentHash: genesisHash,
    author: devKeypair('alice').publicKey,
  };
  const reader = createMapReader(state);

  const verifier = createDcapVerifier({
    trusted: { roots: config.registry.policy.trustedRoots.map((hex) => Buffer.from(hex, 'hex')) },
  });
  const verifyAll = () => {
    for (const each of evidence) {
      if (each.tag !== 'Dcap') throw new Error('bench evidence is DCAP');
      verifier.verify(each.value.quote, each.value.collateral, at);
    }
  };
  const buildBlock = () => {
    const builder = runtime.beginBlock(reader, context, genesisHash);
    for (const extrinsic of extrinsics) {
      const result = builder.apply(extrinsic);
      if (!result.included || !result.outcome.ok)
        throw new Error(`bench registration failed: ${JSON.stringify(result)}`);
    }
    return builder.finish();
  };
  const size = extrinsics.reduce((sum, bytes) => sum + bytes.length, 0);
  return { verifyAll, buildBlock, size };
}

export async function runRegistryBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const workers = options.quick ? 20 : 200;
  const rounds = options.quick ? 2 : 5;
  const { verifyAll, buildBlock, size } = prepareRegistryBench(workers);
  verifyAll(); // warm: chains and collateral parsed once, as the chain's cached verifier has them

  const verifyTimes: number[] = [];
  const blockTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    verifyAll();
    verifyTimes.push(performance.now() - start);

    start = performance.now();
    buildBlock();
    blockTimes.push(performance.now() - start);
  }
  const verify = median(verifyTimes);
  const block = median(blockTimes);
  const libraryRate = (workers / verify) * 1000;
  const chainRate = (workers / block) * 1000;
  const markdown = [
    `Sim DCAP evidence (SGX v3 and TDX v4 alternating), ${workers} registrations in one block, median of ${rounds} rounds; average extrinsic ${Math.round(size / workers)} bytes.`,
    '',
    '| measure | time per registration | per second |',
    '|---|---:|---:|',
    `| attestation library, warm \`createDcapVerifier().verify\` | ${((verify / workers) * 1000).toFixed(0)} µs | ${libraryRate.toFixed(0)} |`,
    `| chain: \`registry.registerWorker\` through BlockBuilder | ${((block / workers) * 1000).toFixed(0)} µs | ${chainRate.toFixed(0)} |`,
    '',
    `Chain rate / library rate: **${(chainRate / libraryRate).toFixed(2)}** (1.00 would mean the chain adds nothing to verification).`,
  ].join('\n');
  return {
    markdown,
    figures: [
      figure('registry.registerWorker', 'µs/registration', (block / workers) * 1000, {
        name: 'warm createDcapVerifier().verify of the same evidence',
        value: (verify / workers) * 1000,
      }),
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runRegistryBench({ quick: process.argv.includes('--quick') })).markdown);
}
