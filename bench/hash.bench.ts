// Why src/codec/hash.ts uses hash-wasm: BLAKE2b-256 of a 65-byte trie node (the commit's hot loop),
// hash-wasm (WebAssembly) against @noble/hashes (pure JS) and node:crypto's native BLAKE2b-512 (a
// different function, shown only as the native floor), all in this one run.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { blake2b } from '@noble/hashes/blake2.js';
import { blake2b256 } from '../src/codec/hash.js';
import { type BenchOptions, type BenchResult, figure } from './figure.js';

export const FIGURE_NAMES = ['hash.blake2b256'] as const;

function perCallMicros(fn: () => void, calls: number): number {
  for (let i = 0; i < calls / 10; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / calls;
}

export async function runHashBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const node = new Uint8Array(65).fill(7);
  const calls = options.quick ? 20_000 : 200_000;
  const ours = perCallMicros(() => blake2b256(node), calls);
  const noble = perCallMicros(() => blake2b(node, { dkLen: 32 }), calls);
  const native = perCallMicros(() => createHash('blake2b512').update(node).digest(), calls);
  const markdown = [
    `BLAKE2b of a 65-byte input, ${calls} calls each.`,
    '',
    '| implementation | µs per hash | relative to ours |',
    '|---|---:|---:|',
    `| hash-wasm BLAKE2b-256 (ours) | ${ours.toFixed(2)} | 1.00× |`,
    `| @noble/hashes BLAKE2b-256 | ${noble.toFixed(2)} | ${(noble / ours).toFixed(2)}× |`,
    `| node:crypto BLAKE2b-512 (native floor, other function) | ${native.toFixed(2)} | ${(native / ours).toFixed(2)}× |`,
  ].join('\n');
  return {
    markdown,
    figures: [
      figure('hash.blake2b256', 'µs/hash', ours, { name: '@noble/hashes BLAKE2b-256', value: noble }),
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runHashBench({ quick: process.argv.includes('--quick') })).markdown);
}
