// A development genesis with many endowed accounts for the chain benchmarks: the given senders (real
// keys, so they can sign) and, up to `totalAccounts`, filler accounts whose ids are hashes (they only
// receive and make the state as large as asked). Alice stays the authority and sudo, as on a dev chain.
import { encodeAddress } from '../src/codec/address.js';
import { toHex, utf8 } from '../src/codec/bytes.js';
import { blake2b256 } from '../src/codec/hash.js';
import { createDevGenesisConfig, UNIT } from '../src/runtime/index.js';

/** The balances genesis schema's limit. */
export const MAX_GENESIS_ACCOUNTS = 100_000;

export const BENCH_ENDOWMENT = 1_000_000n * UNIT;

/** The filler account `i`: a 32-byte id nobody holds a key for. */
export function fillerAccount(i: number): Uint8Array {
  return blake2b256(utf8(`phalanx bench filler ${i}`));
}

export function createBenchGenesis(opts: {
  chainName: string;
  senders: readonly Uint8Array[];
  /** Accounts in genesis, dev accounts and senders included (at most MAX_GENESIS_ACCOUNTS). */
  totalAccounts: number;
}): { genesis: ReturnType<typeof createDevGenesisConfig>; fillers: number } {
  const config = createDevGenesisConfig({ chainName: opts.chainName });
  const accounts = [
    ...config.balances.accounts,
    ...opts.senders.map((key) => ({ account: encodeAddress(key), free: BENCH_ENDOWMENT.toString() })),
  ];
  const fillers = Math.min(opts.totalAccounts, MAX_GENESIS_ACCOUNTS) - accounts.length;
  for (let i = 0; i < fillers; i++) {
    accounts.push({ account: toHex(fillerAccount(i)), free: UNIT.toString() });
  }
  return { genesis: { ...config, balances: { accounts } }, fillers: Math.max(0, fillers) };
}
