// The node's block cost, end to end: execute a block of signed transfers AND commit it (trie update
// of the changed keys, one LMDB transaction with the block, events and state), per transfer, as a
// ratio to bare ed25519 verification of the same signatures in the same run (issue 2: at most 3x).
// Then the trie commit per changed key over pre-filled states of 1k to 1M keys, through the node's
// own LMDB trie store (createTrieNodeStore): the cost may grow with the tree depth (log2 of the key
// count) but not with the state size, so the "per tree level" column should stay flat.
// `npx tsx bench/node.bench.ts`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { open } from 'lmdb';
import { encodeAddress } from '../src/codec/address.js';
import { utf8 } from '../src/codec/bytes.js';
import { ExtrinsicCodec, extrinsicSigningPayload, signExtrinsic } from '../src/codec/chain.js';
import { devKeypair, devSeed } from '../src/codec/devKeys.js';
import { blake2b256 } from '../src/codec/hash.js';
import { ed25519FromSeed, ed25519Verify, type Keypair } from '../src/codec/keys.js';
import { EMPTY_ROOT, type TrieChange, type TrieUpdate, updateTrie } from '../src/codec/trie/index.js';
import { createNode } from '../src/node/createNode.js';
import { createTrieNodeStore } from '../src/node/store/createTrieNodeStore.js';
import { balancesCalls } from '../src/runtime/balances/types.js';
import { createDevGenesisConfig, UNIT } from '../src/runtime/index.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (us: number): string => us.toFixed(1);

async function blockBench(transfers: number, rounds: number): Promise<string> {
  const senders = Math.ceil(transfers / 8);
  const keys: Keypair[] = Array.from({ length: senders }, (_, i) => ed25519FromSeed(devSeed(`bench-${i}`)));
  const genesis = {
    ...createDevGenesisConfig({ chainName: 'bench' }),
    balances: {
      accounts: keys.map((key) => ({
        account: encodeAddress(key.publicKey),
        free: (1_000_000n * UNIT).toString(),
      })),
    },
  };
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
  const verifyTimes: number[] = [];
  try {
    for (let round = 0; round <= rounds; round++) {
      const extrinsics: Uint8Array[] = [];
      for (let i = 0; i < transfers; i++) {
        const from = keys[i % senders]!;
        const to = keys[(i + 1) % senders]!;
        extrinsics.push(
          signExtrinsic({
            genesisHash: node.genesisHash,
            signerSeed: from.secretSeed,
            signer: from.publicKey,
            nonce: round * 8 + Math.floor(i / senders),
            call: balancesCalls.transfer({ dest: to.publicKey, amount: UNIT + BigInt(i) }),
          }),
        );
      }
      for (const extrinsic of extrinsics) node.submitExtrinsic(extrinsic);
      // The floor: the same signatures over the same payloads, nothing else.
      const triples = extrinsics.map((bytes) => {
        const { signature, genesisHash, call } = ExtrinsicCodec.dec(bytes);
        return {
          key: signature!.signer,
          payload: extrinsicSigningPayload(genesisHash, signature!.signer, signature!.nonce, call),
          sig: signature!.signature,
        };
      });
      let t = performance.now();
      for (const { key, payload, sig } of triples) {
        if (!ed25519Verify(key, payload, sig)) throw new Error('bench signature does not verify');
      }
      const verify = performance.now() - t;
      t = performance.now();
      const built = node.chain.buildBlock(authority);
      node.chain.commitBlock(built);
      const block = performance.now() - t;
      if (built.block.extrinsics.length !== transfers) {
        throw new Error(`block holds ${built.block.extrinsics.length} of ${transfers} transfers`);
      }
      if (round > 0) {
        // Round 0 warms up JIT and key caches.
        blockTimes.push(block);
        verifyTimes.push(verify);
      }
    }
  } finally {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const perTransfer = (median(blockTimes) / transfers) * 1000;
  const perVerify = (median(verifyTimes) / transfers) * 1000;
  return [
    `Block of ${transfers} signed transfers from ${senders} senders, executed and committed (trie + LMDB), median of ${rounds}:`,
    '',
    '| measure | µs per transfer | ratio to ed25519 verify |',
    '|---|---:|---:|',
    `| bare ed25519Verify of the same signatures | ${fmt(perVerify)} | 1.00 |`,
    `| execute + trie commit + LMDB write | ${fmt(perTransfer)} | ${(perTransfer / perVerify).toFixed(2)} (target ≤ 3) |`,
  ].join('\n');
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

async function trieBench(sizes: number[], changed: number, rounds: number): Promise<string> {
  const rows: string[] = [];
  let first: number | undefined;
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
      const disk = written.length > 0 ? ((median(written) / changed / 1024) * 1000).toFixed(0) : '–';
      rows.push(
        `| ${size.toLocaleString('en')} | ${levels.toFixed(1)} | ${fmt(perKeyUpdate)} | ${fmt(perKey)} | ${(perKey / first).toFixed(2)} | ${(perKey / levels).toFixed(2)} | ${disk} |`,
      );
    } finally {
      await nodes.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    `Trie commit of ${changed} changed keys (updateTrie + one LMDB transaction of the new nodes), median of ${rounds}:`,
    '',
    '| keys in state | log2(keys) | µs per key: updateTrie (read + hash) | µs per key: with LMDB write | vs smallest | µs per key per tree level | disk bytes written per key |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

export async function runNodeBench(transfers = 1000, rounds = 5): Promise<string> {
  const block = await blockBench(transfers, rounds);
  const trie = await trieBench([1_000, 10_000, 100_000, 1_000_000], 1000, rounds);
  return `${block}\n\n${trie}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await runNodeBench(Number(process.argv[2] ?? 1000)));
}
