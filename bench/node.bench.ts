// The node's block cost, end to end, per transfer, against bare ed25519 verification of the same
// signatures in the same run (issue 2: at most 3x), in interleaved rounds:
//
//   block.transfers.distinct  a block of 1000 transfers from 1000 senders it has never seen, into a
//                             state of 100,000 accounts: execute (signatures, balances, nonces,
//                             events) + trie commit + one LMDB transaction
//   pool.admit                the same 1000 transfers submitted to the node's pool (validation:
//                             decoding, signature, nonce, fee), before the block is built
//
// The baseline verifies with node:crypto and public keys imported in advance: the import of a
// sender's key, paid once per sender seen, counts against the node.
// Then the trie commit per changed key over pre-filled states of 1k to 1M keys, through the node's
// own LMDB trie store (createTrieNodeStore): the cost may grow with the tree depth (log2 of the key
// count) but not with the state size, so the "per tree level" column should stay flat.
// `npx tsx bench/node.bench.ts [--quick]`.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { open } from 'lmdb';
import { utf8 } from '../src/codec/bytes.js';
import { ExtrinsicCodec, extrinsicSigningPayload, signExtrinsic } from '../src/codec/chain.js';
import { devKeypair, devSeed } from '../src/codec/devKeys.js';
import { blake2b256 } from '../src/codec/hash.js';
import { ed25519FromSeed, type Keypair } from '../src/codec/keys.js';
import { EMPTY_ROOT, type TrieChange, type TrieUpdate, updateTrie } from '../src/codec/trie/index.js';
import { createNode } from '../src/node/createNode.js';
import { createTrieNodeStore } from '../src/node/store/createTrieNodeStore.js';
import { balancesCalls } from '../src/runtime/balances/types.js';
import { UNIT } from '../src/runtime/index.js';
import { createBenchGenesis, fillerAccount } from './createBenchGenesis.js';
import { type BenchOptions, type BenchResult, type Figure, figure, median } from './figure.js';

export const FIGURE_NAMES = ['block.transfers.distinct', 'pool.admit', 'trie.commit.perKeyPerLevel'] as const;

const fmt = (us: number): string => us.toFixed(1);

/** DER SubjectPublicKeyInfo prefix of an ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The floor: one node:crypto verification per signature, keys imported before the clock starts. */
function prepareBareVerify(extrinsics: readonly Uint8Array[]): () => void {
  const checks = extrinsics.map((bytes) => {
    const { signature, genesisHash, call } = ExtrinsicCodec.dec(bytes);
    const { signer, nonce } = signature!;
    const key: KeyObject = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, signer]),
      format: 'der',
      type: 'spki',
    });
    return {
      key,
      payload: extrinsicSigningPayload(genesisHash, signer, nonce, call),
      sig: signature!.signature,
    };
  });
  return () => {
    for (const { key, payload, sig } of checks) {
      if (!verify(null, payload, key, sig)) throw new Error('bench signature does not verify');
    }
  };
}

async function blockBench(
  transfers: number,
  accounts: number,
  rounds: number,
): Promise<{ markdown: string; figures: Figure[] }> {
  // Every round's block comes from senders never seen before (round 0 warms up JIT and caches).
  const senders: Keypair[] = Array.from({ length: transfers * (rounds + 1) }, (_, i) =>
    ed25519FromSeed(devSeed(`bench-sender-${i}`)),
  );
  const { genesis, fillers } = createBenchGenesis({
    chainName: 'bench',
    senders: senders.map((key) => key.publicKey),
    totalAccounts: accounts,
  });
  const inState = genesis.balances.accounts.length;
  const dataDir = mkdtempSync(join(tmpdir(), 'phalanx-bench-'));
  let now = 1_700_000_000_000;
  const node = createNode({
    dataDir,
    genesis,
    role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: 1000,
    clock: () => (now += 1000),
    maxPoolSize: transfers * 2,
    maxBlockExtrinsics: transfers,
  });
  const authority = devKeypair('alice').secretSeed;
  const blockTimes: number[] = [];
  const admitTimes: number[] = [];
  const verifyTimes: number[] = [];
  try {
    for (let round = 0; round <= rounds; round++) {
      const extrinsics = Array.from({ length: transfers }, (_, i) => {
        const from = senders[round * transfers + i]!;
        // To accounts spread over the whole state, so the trie update touches distinct paths.
        const dest = fillerAccount(((round * transfers + i) * 7919) % Math.max(1, fillers));
        return signExtrinsic({
          genesisHash: node.genesisHash,
          signerSeed: from.secretSeed,
          signer: from.publicKey,
          nonce: 0,
          call: balancesCalls.transfer({ dest, amount: UNIT / 10n + BigInt(i) }),
        });
      });
      const bareVerify = prepareBareVerify(extrinsics);
      let t = performance.now();
      bareVerify();
      const verified = performance.now() - t;
      t = performance.now();
      for (const extrinsic of extrinsics) node.submitExtrinsic(extrinsic);
      const admitted = performance.now() - t;
      t = performance.now();
      const built = node.chain.buildBlock(authority);
      node.chain.commitBlock(built);
      const block = performance.now() - t;
      if (built.block.extrinsics.length !== transfers) {
        throw new Error(`block holds ${built.block.extrinsics.length} of ${transfers} transfers`);
      }
      if (round > 0) {
        blockTimes.push(block);
        admitTimes.push(admitted);
        verifyTimes.push(verified);
      }
    }
  } finally {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const perBlock = (median(blockTimes) / transfers) * 1000;
  const perAdmit = (median(admitTimes) / transfers) * 1000;
  const perVerify = (median(verifyTimes) / transfers) * 1000;
  const baseline = { name: 'bare ed25519 verify (node:crypto, keys imported)', value: perVerify };
  return {
    figures: [
      figure('block.transfers.distinct', 'µs/transfer', perBlock, baseline),
      figure('pool.admit', 'µs/transfer', perAdmit, baseline),
    ],
    markdown: [
      `${transfers} signed transfers per block, each from a sender the node has not seen before, into a state of ${inState.toLocaleString('en')} accounts; median of ${rounds} interleaved rounds:`,
      '',
      '| figure | measure | µs per transfer | ratio to ed25519 verify |',
      '|---|---|---:|---:|',
      `| (baseline) | bare ed25519 verify of the same signatures (node:crypto, keys imported) | ${fmt(perVerify)} | 1.00 |`,
      `| \`pool.admit\` | submitExtrinsic: decode, signature, nonce and fee checks, pool insert | ${fmt(perAdmit)} | ${(perAdmit / perVerify).toFixed(2)} |`,
      `| \`block.transfers.distinct\` | buildBlock + commitBlock: execute + trie commit + LMDB write | ${fmt(perBlock)} | ${(perBlock / perVerify).toFixed(2)} (target ≤ 3) |`,
    ].join('\n'),
  };
}

function lmdbNodeStore(dir: string) {
  const root = open({ path: dir });
  const store = createTrieNodeStore(root);
  let version = 0;
  const write = (update: TrieUpdate): void => {
    const at = version++;
    store.remember(root.transactionSync(() => store.write(at, update)));
  };
  return { store, write, close: () => root.close() };
}

/** Bytes this process has caused to be written to disk so far (Linux), or undefined elsewhere. */
function diskWrites(): number | undefined {
  try {
    const match = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const FILL_BATCH = 250_000;
const keyOf = (i: number): Uint8Array => utf8(`balances/Accounts/${i}`);
const stateValue = (i: number, round: number): Uint8Array => blake2b256(utf8(`${i}/${round}`));

async function trieBench(
  sizes: number[],
  changed: number,
  rounds: number,
): Promise<{ markdown: string; figures: Figure[] }> {
  const rows: string[] = [];
  let first: number | undefined;
  const perLevel: number[] = [];
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'phalanx-trie-bench-'));
    const nodes = lmdbNodeStore(dir);
    try {
      let root = EMPTY_ROOT;
      // Large batches: the fill is set-up, and each batch rewrites the upper levels only once.
      for (let start = 0; start < size; start += FILL_BATCH) {
        const batch: TrieChange[] = [];
        for (let i = start; i < Math.min(size, start + FILL_BATCH); i++)
          batch.push({ key: keyOf(i), value: stateValue(i, 0) });
        const update = updateTrie(nodes.store, root, batch);
        nodes.write(update);
        root = update.root;
      }
      const times: number[] = [];
      const updateTimes: number[] = [];
      const written: number[] = [];
      for (let round = 1; round <= rounds + 1; round++) {
        // Half updates of existing keys, half new keys: a block's typical mix.
        const batch: TrieChange[] = [];
        for (let j = 0; j < changed; j++) {
          const i = j % 2 === 0 ? (j * 7919 + round * 104_729) % size : size + round * changed + j;
          batch.push({ key: keyOf(i), value: stateValue(i, round) });
        }
        const t = performance.now();
        const update = updateTrie(nodes.store, root, batch);
        const updated = performance.now() - t;
        const before = diskWrites();
        nodes.write(update);
        const elapsed = performance.now() - t;
        const after = diskWrites();
        root = update.root;
        if (round > 1) {
          times.push(elapsed);
          updateTimes.push(updated);
          if (before !== undefined && after !== undefined) written.push(after - before);
        }
      }
      const perKey = (median(times) / changed) * 1000;
      first ??= perKey;
      const perKeyUpdate = (median(updateTimes) / changed) * 1000;
      const levels = Math.log2(size);
      perLevel.push(perKey / levels);
      const disk = written.length > 0 ? ((median(written) / changed / 1024) * 1000).toFixed(0) : '–';
      rows.push(
        `| ${size.toLocaleString('en')} | ${levels.toFixed(1)} | ${fmt(perKeyUpdate)} | ${fmt(perKey)} | ${(perKey / first).toFixed(2)} | ${(perKey / levels).toFixed(2)} | ${disk} |`,
      );
    } finally {
      await nodes.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const markdown = [
    `Trie commit of ${changed} changed keys (updateTrie + one LMDB transaction of the new nodes), median of ${rounds}:`,
    '',
    '| keys in state | log2(keys) | µs per key: updateTrie (read + hash) | µs per key: with LMDB write | vs smallest | µs per key per tree level | disk bytes written per key |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const label = (n: number) => `${n.toLocaleString('en')} keys`;
  return {
    markdown,
    figures: [
      figure('trie.commit.perKeyPerLevel', 'µs/key/level', perLevel.at(-1)!, {
        name: `at ${label(sizes[0]!)} (value: at ${label(sizes.at(-1)!)})`,
        value: perLevel[0]!,
      }),
    ],
  };
}

export async function runNodeBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const rounds = options.quick ? 2 : 5;
  const block = options.quick
    ? await blockBench(200, 5_000, rounds)
    : await blockBench(1000, 100_000, rounds);
  const trie = await trieBench(
    options.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000],
    1000,
    rounds,
  );
  return { markdown: `${block.markdown}\n\n${trie.markdown}`, figures: [...block.figures, ...trie.figures] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runNodeBench({ quick: process.argv.includes('--quick') })).markdown);
}
