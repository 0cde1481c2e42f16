// Liveness costs (issue 9). `liveness.block.10k` and `liveness.block.100k`: µs of one block's
// liveness processing (`processLiveness`, the computation module's hook: reward index, outage
// window, deadlines due, challenges drawn) with 10,000 and 100,000 workers in session, each against
// the same at 1,000 (target: 100k / 1k ≤ 1.5). The networks are real chains whose workers answer
// every challenge in the next block by heartbeat extrinsic; each measured block is timed on the
// state it starts from (best of three runs in throw-away overlays), then executed. The markdown adds
// the storage reads and writes per block (src/runtime/computation/livenessCost.test.ts checks them
// at 1,000 and 10,000). `liveness.heartbeat`: µs per accepted heartbeat extrinsic in a block built
// through the runtime's BlockBuilder (extrinsic signature, fee, nonce, every heartbeat check, the
// worker's signature, reward, writes), against the bare ed25519 verification of its two signatures.
// `npx tsx bench/liveness.bench.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ExtrinsicCodec, extrinsicSigningPayload } from '../src/codec/chain.js';
import { ed25519Verify } from '../src/codec/keys.js';
import { processLiveness } from '../src/runtime/computation/hooks.js';
import { countLivenessWork } from '../src/runtime/computation/testing/countLivenessWork.js';
import {
  createLivenessNetwork,
  heartbeatExtrinsics,
  type LivenessNetwork,
} from '../src/runtime/computation/testing/livenessChain.js';
import { LIVENESS_COST_CONFIG } from '../src/runtime/computation/testing/livenessCostConfig.js';
import { HeartbeatArgs, heartbeatPayload } from '../src/runtime/computation/types.js';
import { type BenchOptions, type BenchResult, figure, median } from './figure.js';

export const FIGURE_NAMES = ['liveness.block.10k', 'liveness.block.100k', 'liveness.heartbeat'] as const;

interface BlockFigures {
  readonly workers: number;
  readonly setupSeconds: number;
  readonly microseconds: number;
  readonly reads: number;
  readonly writes: number;
  readonly challenged: number;
}

function timeLiveness(network: LivenessNetwork): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const ctx = network.chain.context();
    const start = performance.now();
    processLiveness(ctx);
    best = Math.min(best, performance.now() - start);
  }
  return best * 1000;
}

function buildNetwork(workers: number): { network: LivenessNetwork; setupSeconds: number } {
  const start = performance.now();
  const network = createLivenessNetwork({
    workers,
    warmup: LIVENESS_COST_CONFIG.heartbeatWindow + 2,
    computation: LIVENESS_COST_CONFIG,
  });
  return { network, setupSeconds: (performance.now() - start) / 1000 };
}

/**
 * Times the networks block by block, interleaved (so that the JIT's warm-up and the machine's load
 * fall on every size alike), after `warmup` blocks timed and thrown away.
 */
function measureBlocks(sizes: readonly number[], blocks: number, warmup: number): BlockFigures[] {
  const built = sizes.map(buildNetwork);
  const sums = built.map(() => ({ time: 0, reads: 0, writes: 0, challenged: 0 }));
  for (let i = 0; i < warmup + blocks; i++) {
    built.forEach(({ network }, k) => {
      const time = timeLiveness(network);
      const work = countLivenessWork(network.chain);
      if (i >= warmup) {
        const sum = sums[k]!;
        sum.time += time;
        sum.reads += work.reads;
        sum.writes += work.writes;
        sum.challenged += work.pass.challenges.random + work.pass.challenges.forced;
      }
      network.step();
    });
  }
  // Means over blocks: a block's cost follows how many it challenges, which varies block to block.
  return built.map(({ setupSeconds }, k) => {
    const sum = sums[k]!;
    return {
      workers: sizes[k]!,
      setupSeconds,
      microseconds: sum.time / blocks,
      reads: sum.reads / blocks,
      writes: sum.writes / blocks,
      challenged: sum.challenged / blocks,
    };
  });
}

/** K workers all challenged in one block; the next block carries their K heartbeats. */
function prepareHeartbeats(count: number) {
  const network = createLivenessNetwork({
    workers: count,
    prefix: 'heartbeat bench',
    // expectedHeartbeats ≥ workers: everybody is challenged in the first block after the start.
    computation: {
      ...LIVENESS_COST_CONFIG,
      expectedHeartbeats: count,
      maxProcessPerBlock: Math.max(256, count),
    },
  });
  network.step();
  const { chain } = network;
  const extrinsics = heartbeatExtrinsics(chain, network.workers);
  if (extrinsics.length !== count) throw new Error(`${extrinsics.length} of ${count} workers challenged`);
  const context = chain.nextBlockContext();
  const buildBlock = (list: readonly Uint8Array[]) => {
    const builder = chain.runtime.beginBlock(chain.reader, context, chain.genesisHash);
    for (const extrinsic of list) {
      const result = builder.apply(extrinsic);
      if (!result.included || !result.outcome.ok)
        throw new Error(`bench heartbeat failed: ${JSON.stringify(result)}`);
    }
    return builder.finish();
  };
  // The two signatures of each, with the messages they sign, for the bare verification.
  const signatures = extrinsics.map((bytes) => {
    const { signature, genesisHash, call } = ExtrinsicCodec.dec(bytes);
    if (signature === undefined) throw new Error('heartbeat extrinsics are signed');
    const { signature: workerSignature, ...heartbeat } = HeartbeatArgs.dec(call.args);
    return {
      signer: signature.signer,
      payload: extrinsicSigningPayload(genesisHash, signature.signer, signature.nonce, call),
      signature: signature.signature,
      worker: heartbeat.worker,
      heartbeat: heartbeatPayload(chain.genesisHash, heartbeat),
      workerSignature,
    };
  });
  const verifyAll = () => {
    for (const s of signatures) {
      if (
        !ed25519Verify(s.signer, s.payload, s.signature) ||
        !ed25519Verify(s.worker, s.heartbeat, s.workerSignature)
      )
        throw new Error('bench signature does not verify');
    }
  };
  return { extrinsics, buildBlock, verifyAll };
}

export async function runLivenessBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const sizes = options.quick ? [100, 1000, 2000] : [1000, 10_000, 100_000];
  const blocks = options.quick ? 10 : 200;
  const [small, medium, large] = measureBlocks(sizes, blocks, options.quick ? 3 : 20) as [
    BlockFigures,
    BlockFigures,
    BlockFigures,
  ];

  const count = options.quick ? 20 : 200;
  const rounds = options.quick ? 2 : 7;
  const { extrinsics, buildBlock, verifyAll } = prepareHeartbeats(count);
  verifyAll();
  buildBlock(extrinsics);
  const blockTimes: number[] = [];
  const emptyTimes: number[] = [];
  const verifyTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    buildBlock(extrinsics);
    blockTimes.push(performance.now() - start);
    start = performance.now();
    buildBlock([]);
    emptyTimes.push(performance.now() - start);
    start = performance.now();
    verifyAll();
    verifyTimes.push(performance.now() - start);
  }
  const perHeartbeat = ((median(blockTimes) - median(emptyTimes)) / count) * 1000;
  const perVerify = (median(verifyTimes) / count) * 1000;

  const row = (f: BlockFigures) =>
    `| ${f.workers.toLocaleString('en')} | ${f.microseconds.toFixed(0)} µs | ${f.challenged.toFixed(1)} | ${f.reads.toFixed(0)} | ${f.writes.toFixed(0)} | ${f.setupSeconds.toFixed(0)} s |`;
  const markdown = [
    `Liveness processing of one block (\`processLiveness\`), mean over ${blocks} blocks (the sizes interleaved block by block, after a warm-up) of a network whose workers all answer in the next block; expectedHeartbeats ${LIVENESS_COST_CONFIG.expectedHeartbeats}, maxSilence ${LIVENESS_COST_CONFIG.maxSilence} (no forced challenge falls in the blocks measured: they add N / maxSilence per block by design, capped by maxProcessPerBlock ${LIVENESS_COST_CONFIG.maxProcessPerBlock}).`,
    '',
    '| workers in session | time per block | challenged per block | storage reads | storage writes | setup |',
    '|---:|---:|---:|---:|---:|---:|',
    row(small),
    row(medium),
    row(large),
    '',
    `${large.workers.toLocaleString('en')} / ${small.workers.toLocaleString('en')}: **${(large.microseconds / small.microseconds).toFixed(2)}** (target ≤ 1.5).`,
    '',
    `Heartbeats: ${count} in one block through BlockBuilder, median of ${rounds} rounds less an empty block: ${perHeartbeat.toFixed(0)} µs each; bare ed25519 verification of their two signatures: ${perVerify.toFixed(0)} µs (ratio ${(perHeartbeat / perVerify).toFixed(2)}).`,
  ].join('\n');
  const baseline = {
    name: `liveness processing of a block with ${small.workers.toLocaleString('en')} workers`,
    value: small.microseconds,
  };
  return {
    markdown,
    figures: [
      figure('liveness.block.10k', 'µs/block', medium.microseconds, baseline),
      figure('liveness.block.100k', 'µs/block', large.microseconds, baseline),
      figure('liveness.heartbeat', 'µs/heartbeat', perHeartbeat, {
        name: 'bare ed25519 verification of its two signatures (extrinsic and worker)',
        value: perVerify,
      }),
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runLivenessBench({ quick: process.argv.includes('--quick') })).markdown);
}
