// Sustained throughput of a node alone, seen from outside (figure `node.transfers.sustained`): a
// `phalanx node` process with its default pool and block limits; several concurrent clients in this
// process submit pre-signed transfers from thousands of distinct senders over JSON-RPC (HTTP batches
// of 100) and keep the pool fed. After a warm-up, every transfer included in a block whose
// timestamp falls in the measured window counts. Reported as wall-clock µs per included transfer,
// against µs per bare ed25519 verification on one core (node:crypto, keys imported), measured in
// this process before and after the load, so lower stays better; the target is a rate of at least
// half of one core's verification rate, i.e. value ≤ 2 × baseline.
// `npx tsx bench/throughput.bench.ts [--quick]`; about a minute (30 s measured).
import { createPublicKey, verify } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createHttpClient, getBlock, getChainInfo } from '../src/client/index.js';
import { toHex } from '../src/codec/bytes.js';
import { ExtrinsicCodec, extrinsicSigningPayload, signExtrinsic } from '../src/codec/chain.js';
import { devSeed } from '../src/codec/devKeys.js';
import { ed25519FromSeed, type Keypair } from '../src/codec/keys.js';
import { balancesCalls } from '../src/runtime/balances/types.js';
import { UNIT } from '../src/runtime/index.js';
import { createBenchGenesis } from './createBenchGenesis.js';
import { type BenchOptions, type BenchResult, figure } from './figure.js';
import { startNodeProcess } from './startNodeProcess.js';
import { BATCH, submitInBatches, sumErrors } from './submitInBatches.js';

export const FIGURE_NAMES = ['node.transfers.sustained'] as const;

const CLIENTS = 4;
/** The CLI's default block time. */
const BLOCK_TIME_MS = 1000;

/** DER SubjectPublicKeyInfo prefix of an ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** µs per bare ed25519 verification of these extrinsics' signatures, keys imported first (best of 3). */
function bareVerifyMicros(extrinsics: readonly Uint8Array[]): number {
  const checks = extrinsics.map((bytes) => {
    const { signature, genesisHash, call } = ExtrinsicCodec.dec(bytes);
    const { signer, nonce } = signature!;
    return {
      key: createPublicKey({
        key: Buffer.concat([ED25519_SPKI_PREFIX, signer]),
        format: 'der',
        type: 'spki',
      }),
      payload: extrinsicSigningPayload(genesisHash, signer, nonce, call),
      sig: signature!.signature,
    };
  });
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    for (const { key, payload, sig } of checks) {
      if (!verify(null, payload, key, sig)) throw new Error('bench signature does not verify');
    }
    best = Math.min(best, ((performance.now() - start) * 1000) / checks.length);
  }
  return best;
}

export async function runThroughputBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const measuredSeconds = options.quick ? 4 : 30;
  const warmupSeconds = options.quick ? 2 : 5;
  const senderCount = options.quick ? 1_000 : 20_000;
  const senders: Keypair[] = Array.from({ length: senderCount }, (_, i) =>
    ed25519FromSeed(devSeed(`bench-sustained-${i}`)),
  );
  const { genesis } = createBenchGenesis({
    chainName: 'bench sustained',
    senders: senders.map((key) => key.publicKey),
    totalAccounts: 0,
  });
  const node = await startNodeProcess({ genesis, blockTimeMs: BLOCK_TIME_MS });
  try {
    const rpc = createHttpClient(node.rpcUrl);
    const { genesisHash } = await getChainInfo(rpc);
    const sign = (sender: number, nonce: number): Uint8Array =>
      signExtrinsic({
        genesisHash,
        signerSeed: senders[sender]!.secretSeed,
        signer: senders[sender]!.publicKey,
        nonce,
        call: balancesCalls.transfer({
          dest: senders[(sender + 1) % senderCount]!.publicKey,
          amount: UNIT / 100n,
        }),
      });

    // Signed in advance, so that the clients cost the node's two cores as little as possible: as
    // many as the node could include at 0.6 of one core's verification rate (the target is 0.5). A
    // faster node runs out early, and the window ends there.
    const sample = Array.from({ length: Math.min(senderCount, 2000) }, (_, i) => sign(i, 0));
    const verifyBefore = bareVerifyMicros(sample);
    const budget = Math.ceil(((warmupSeconds + measuredSeconds) * 1e6 * 0.6) / verifyBefore);
    const depth = Math.ceil(budget / senderCount);
    const queues: string[][] = Array.from({ length: CLIENTS }, () => []);
    for (let nonce = 0; nonce < depth; nonce++) {
      for (let i = 0; i < senderCount; i++) {
        const bytes = nonce === 0 && i < sample.length ? sample[i]! : sign(i, nonce);
        queues[i % CLIENTS]!.push(toHex(bytes));
      }
    }

    const stopClients = new AbortController();
    const clients = queues.map((queue) => submitInBatches(node.rpcUrl, queue, stopClients.signal));
    await sleep(warmupSeconds * 1000);
    const t0 = Date.now();
    await sleep(measuredSeconds * 1000);
    stopClients.abort();
    const stoppedAt = Date.now();
    const stats = await Promise.all(clients);
    const exhausted = stats.map((s) => s.exhaustedAt).filter((t): t is number => t !== undefined);
    const t1 = Math.min(stoppedAt, ...exhausted);
    if (t1 <= t0) throw new Error('the signed transfers ran out during the warm-up: sign more');
    const verifyAfter = bareVerifyMicros(sample);

    // Transfers in blocks stamped inside (t0, t1], walking back from the best block.
    let included = 0;
    let blocks = 0;
    let biggest = 0;
    let at = await getBlock(rpc);
    while (at !== undefined && at.block.header.timestamp > BigInt(t0) && at.block.header.number > 0) {
      if (at.block.header.timestamp <= BigInt(t1)) {
        included += at.block.extrinsics.length;
        blocks++;
        biggest = Math.max(biggest, at.block.extrinsics.length);
      }
      at = await getBlock(rpc, at.block.header.parentHash);
    }
    const seconds = (t1 - t0) / 1000;
    const rate = included / seconds;
    const perVerify = Math.min(verifyBefore, verifyAfter);
    const verifyRate = 1e6 / perVerify;
    const errors = sumErrors(stats);
    const poolFull = stats.reduce((sum, s) => sum + s.retried, 0);
    const submitted = stats.reduce((sum, s) => sum + s.accepted, 0);
    return {
      figures: [
        figure('node.transfers.sustained', 'µs/transfer (wall)', 1e6 / rate, {
          name: 'bare ed25519 verify, one core (node:crypto, keys imported)',
          value: perVerify,
        }),
      ],
      markdown: [
        `A \`phalanx node\` process alone (default pool and block limits, ${BLOCK_TIME_MS} ms blocks), ${CLIENTS} concurrent clients submitting JSON-RPC batches of ${BATCH} pre-signed transfers from ${senderCount.toLocaleString('en')} distinct senders; ${warmupSeconds} s warm-up, then ${seconds.toFixed(1)} s measured${exhausted.length > 0 ? ' (cut short: the signed transfers ran out, so the node keeps up with more than this)' : ''}.`,
        '',
        '| measure | per second | µs per transfer (wall) | vs one core verifying |',
        '|---|---:|---:|---:|',
        `| bare ed25519 verify, one core (this process, before and after the load) | ${verifyRate.toFixed(0)} | ${perVerify.toFixed(1)} | 1.00 |`,
        `| \`node.transfers.sustained\`: transfers included | ${rate.toFixed(0)} | ${(1e6 / rate).toFixed(1)} | ${(rate / verifyRate).toFixed(2)} (target ≥ 0.5) |`,
        '',
        `${included.toLocaleString('en')} transfers in ${blocks} blocks (largest ${biggest}); ${submitted.toLocaleString('en')} accepted by the pool during the run, ${poolFull.toLocaleString('en')} answers \`PoolFull\` (sent again)${Object.keys(errors).length > 0 ? `, other refusals: ${JSON.stringify(errors)}` : ''}.`,
      ].join('\n'),
    };
  } finally {
    await node.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runThroughputBench({ quick: process.argv.includes('--quick') })).markdown);
}
