// A ChainService over real signed blocks held in memory, for the RPC layer's own tests: it lets the
// handler and the transports be tested in process without the node core (STYLE.md's Hono anchor).
// It executes nothing: submitted extrinsics are only decoded and queued, and `seal` packs them.
import { equalBytes, toHex } from '../../../codec/bytes.js';
import {
  type Block,
  type Event,
  ExtrinsicCodec,
  type Header,
  hashExtrinsic,
  hashHeader,
  listRoot,
  signHeader,
} from '../../../codec/chain.js';
import { RpcError } from '../../../codec/errors.js';
import { ed25519FromSeed } from '../../../codec/keys.js';
import { decodeExact } from '../../../codec/scale.js';
import type { ExtrinsicOutcome } from '../../../runtime/api.js';
import type { ChainService, NewHead, StorageProofResult } from '../../chainService.js';

export interface TestChain extends ChainService {
  /** Seals the queued extrinsics into a block (all succeeding) and notifies subscribers. */
  seal(events?: Event[]): Block;
  readonly storage: Map<string, Uint8Array>;
  /** Live `subscribeNewHeads` listeners, to check that closed connections leave none behind. */
  listenerCount(): number;
}

const AUTHORITY_SEED = new Uint8Array(32).fill(7);

export function createTestChain(chainName = 'test'): TestChain {
  const authority = ed25519FromSeed(AUTHORITY_SEED);
  const blocks = new Map<string, { block: Block; events: Event[]; outcomes: ExtrinsicOutcome[] }>();
  const byNumber: Uint8Array[] = [];
  const listeners = new Set<(head: NewHead) => void>();
  const pool: Uint8Array[] = [];
  const storage = new Map<string, Uint8Array>();
  const stateRoot = new Uint8Array(32).fill(1);

  function addBlock(extrinsics: Uint8Array[], events: Event[]): Block {
    const parent = byNumber.at(-1);
    const header: Header = {
      parentHash: parent ?? new Uint8Array(32),
      number: byNumber.length,
      timestamp: 1_700_000_000_000n + BigInt(byNumber.length) * 1000n,
      stateRoot,
      extrinsicsRoot: listRoot(extrinsics),
      eventsRoot: new Uint8Array(32),
      author: authority.publicKey,
    };
    const block: Block = { header, signature: signHeader(header, AUTHORITY_SEED), extrinsics };
    const hash = hashHeader(header);
    blocks.set(toHex(hash), { block, events, outcomes: extrinsics.map(() => ({ ok: true })) });
    byNumber.push(hash);
    return block;
  }

  addBlock([], []);
  const genesisHash = byNumber[0]!;

  const chain: TestChain = {
    chainName,
    genesisHash,
    storage,
    head() {
      const hash = byNumber.at(-1)!;
      return { hash, signed: blocks.get(toHex(hash))!.block };
    },
    getBlock: (hash) => blocks.get(toHex(hash))?.block,
    getBlockHash: (number) => byNumber[number],
    getEvents: (hash) => blocks.get(toHex(hash))?.events,
    getOutcomes: (hash) => blocks.get(toHex(hash))?.outcomes,
    getStorage(key, blockHash): StorageProofResult | undefined {
      const hash = blockHash ?? byNumber.at(-1)!;
      if (!blocks.has(toHex(hash))) return undefined;
      return { blockHash: hash, stateRoot, key, value: storage.get(toHex(key)), proof: [] };
    },
    listStorage(prefix, startAfter, limit) {
      return [...storage.entries()]
        .filter(([key]) => key.startsWith(toHex(prefix)) && (!startAfter || key > toHex(startAfter)))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .slice(0, limit)
        .map(([key, value]) => ({ key: Buffer.from(key.slice(2), 'hex'), value }));
    },
    submitExtrinsic(extrinsic) {
      try {
        decodeExact(ExtrinsicCodec, extrinsic, 'extrinsic');
      } catch (cause) {
        throw new RpcError(1010, 'MalformedExtrinsic', 'extrinsic does not decode', {}, { cause });
      }
      if (pool.some((queued) => equalBytes(queued, extrinsic))) {
        throw new RpcError(1010, 'AlreadyQueued', 'extrinsic is already in the pool');
      }
      pool.push(extrinsic);
      return hashExtrinsic(extrinsic);
    },
    nextNonce(account, accountNonce) {
      const queued = new Set(
        pool
          .map((bytes) => ExtrinsicCodec.dec(bytes).signature)
          .filter((signature) => signature !== undefined && equalBytes(signature.signer, account))
          .map((signature) => signature!.nonce),
      );
      let next = accountNonce;
      while (queued.has(next)) next++;
      return next;
    },
    listenerCount: () => listeners.size,
    subscribeNewHeads(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    health: () => ({
      ordering: 'solo',
      role: 'proposer',
      inSync: true,
      isSyncing: false,
      peers: 0,
      pendingExtrinsics: pool.length,
      bestNumber: byNumber.length - 1,
    }),
    seal(events = []) {
      const block = addBlock(pool.splice(0), events);
      const head: NewHead = { hash: hashHeader(block.header), signed: block, events };
      for (const listener of listeners) listener(head);
      return block;
    },
  };
  return chain;
}
