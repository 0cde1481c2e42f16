// One-shot BLAKE2b-256 (RFC 7693) specialised for the trie's hot loop: no per-call allocation but
// the 32-byte output, no options parsing, 64-bit words as (low, high) 32-bit pairs. It computes
// exactly src/codec/hash.ts's blake2b256 (checked against it in blake2b256.test.ts); it exists
// because a block commit hashes ~15 small nodes per changed key and the general-purpose
// implementation spends about as long setting up each call as compressing.
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a, 0xade682d1,
  0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// RFC 7693 section 2.7, doubled (word index -> Uint32Array index); rounds 10 and 11 repeat 0 and 1.
const SIGMA = new Uint8Array(
  [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  ]
    .flat()
    .map((i) => i * 2),
);

const h = new Uint32Array(16);
const v = new Uint32Array(32);
const m = new Uint32Array(32);
const block = new Uint8Array(128);

function g(a: number, b: number, c: number, d: number, x: number, y: number): void {
  // v[a] += v[b] + m[x]
  let lo = v[a]! + v[b]!;
  let hi = v[a + 1]! + v[b + 1]! + (lo > 0xffffffff ? 1 : 0);
  lo = (lo >>> 0) + m[x]!;
  hi = hi + m[x + 1]! + (lo > 0xffffffff ? 1 : 0);
  v[a] = lo;
  v[a + 1] = hi;
  // v[d] = (v[d] ^ v[a]) >>> 32
  let dlo = v[d]! ^ v[a]!;
  let dhi = v[d + 1]! ^ v[a + 1]!;
  v[d] = dhi;
  v[d + 1] = dlo;
  // v[c] += v[d]
  lo = v[c]! + v[d]!;
  v[c + 1] = v[c + 1]! + v[d + 1]! + (lo > 0xffffffff ? 1 : 0);
  v[c] = lo;
  // v[b] = (v[b] ^ v[c]) >>> 24
  let blo = v[b]! ^ v[c]!;
  let bhi = v[b + 1]! ^ v[c + 1]!;
  v[b] = (blo >>> 24) | (bhi << 8);
  v[b + 1] = (bhi >>> 24) | (blo << 8);
  // v[a] += v[b] + m[y]
  lo = v[a]! + v[b]!;
  hi = v[a + 1]! + v[b + 1]! + (lo > 0xffffffff ? 1 : 0);
  lo = (lo >>> 0) + m[y]!;
  hi = hi + m[y + 1]! + (lo > 0xffffffff ? 1 : 0);
  v[a] = lo;
  v[a + 1] = hi;
  // v[d] = (v[d] ^ v[a]) >>> 16
  dlo = v[d]! ^ v[a]!;
  dhi = v[d + 1]! ^ v[a + 1]!;
  v[d] = (dlo >>> 16) | (dhi << 16);
  v[d + 1] = (dhi >>> 16) | (dlo << 16);
  // v[c] += v[d]
  lo = v[c]! + v[d]!;
  v[c + 1] = v[c + 1]! + v[d + 1]! + (lo > 0xffffffff ? 1 : 0);
  v[c] = lo;
  // v[b] = (v[b] ^ v[c]) >>> 63
  blo = v[b]! ^ v[c]!;
  bhi = v[b + 1]! ^ v[c + 1]!;
  v[b] = (bhi >>> 31) | (blo << 1);
  v[b + 1] = (blo >>> 31) | (bhi << 1);
}

function compress(input: Uint8Array, offset: number, bytesSoFar: number, last: boolean): void {
  for (let i = 0; i < 32; i++) {
    const p = offset + i * 4;
    m[i] = input[p]! | (input[p + 1]! << 8) | (input[p + 2]! << 16) | (input[p + 3]! << 24);
  }
  for (let i = 0; i < 16; i++) {
    v[i] = h[i]!;
    v[i + 16] = IV[i]!;
  }
  // The byte counter is 128 bits; inputs here stay far below 2^53.
  v[24] = (v[24]! ^ bytesSoFar) >>> 0;
  v[25] = (v[25]! ^ Math.floor(bytesSoFar / 0x100000000)) >>> 0;
  if (last) {
    v[28] = ~v[28]!;
    v[29] = ~v[29]!;
  }
  for (let r = 0; r < 12; r++) {
    const s = r * 16;
    g(0, 8, 16, 24, SIGMA[s]!, SIGMA[s + 1]!);
    g(2, 10, 18, 26, SIGMA[s + 2]!, SIGMA[s + 3]!);
    g(4, 12, 20, 28, SIGMA[s + 4]!, SIGMA[s + 5]!);
    g(6, 14, 22, 30, SIGMA[s + 6]!, SIGMA[s + 7]!);
    g(0, 10, 20, 30, SIGMA[s + 8]!, SIGMA[s + 9]!);
    g(2, 12, 22, 24, SIGMA[s + 10]!, SIGMA[s + 11]!);
    g(4, 14, 16, 26, SIGMA[s + 12]!, SIGMA[s + 13]!);
    g(6, 8, 18, 28, SIGMA[s + 14]!, SIGMA[s + 15]!);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!;
}

export function blake2b256(data: Uint8Array): Uint8Array {
  h.set(IV);
  // Parameter block: digest length 32, no key, fanout 1, depth 1.
  h[0] = h[0]! ^ 0x01010020;
  let offset = 0;
  // Every full block but the last is compressed as is; the last (possibly empty) is padded.
  while (data.length - offset > 128) {
    compress(data, offset, offset + 128, false);
    offset += 128;
  }
  block.fill(0);
  block.set(data.subarray(offset));
  compress(block, 0, data.length, true);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = h[i]!;
    out[i * 4] = word;
    out[i * 4 + 1] = word >>> 8;
    out[i * 4 + 2] = word >>> 16;
    out[i * 4 + 3] = word >>> 24;
  }
  return out;
}
