// balances: SCALE codecs of its calls, events and storage values, the treasury account and call
// builders. Imports only src/codec and other types.ts files (clients build calls with it).
import { utf8 } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { CodecError } from '../../codec/errors.js';
import { taggedHash } from '../../codec/hash.js';
import { type Codec, type CodecType, createCodec, createDecoder, Struct } from '../../codec/scale.js';
import { AccountId, Balance, U128_MAX } from '../support/types.js';

const WORD = (1n << 64n) - 1n;

export const BALANCES = 'balances' as const;

/** Smallest units per PHX (12 decimals). */
export const UNIT = 10n ** 12n;

/**
 * The treasury: a fixed account derived from a tagged hash, so that nobody holds its key (finding a
 * seed for it would be a preimage attack on BLAKE2b). Fees and dust go there; it is never reaped.
 */
export const TREASURY_ACCOUNT: Uint8Array = taggedHash('phalanx/module-account', utf8('treasury'));

export interface AccountData {
  free: bigint;
  reserved: bigint;
}

/**
 * The SCALE encoding of `{ free: u128, reserved: u128 }`, written by hand because it is read and
 * written several times per transfer: one buffer and four 64-bit words instead of a generic struct.
 * Same bytes as `Struct({ free: Balance, reserved: Balance })` (tested).
 */
export const AccountDataCodec: Codec<AccountData> = createCodec(
  (value: AccountData) => {
    const { free, reserved } = value;
    if (free < 0n || free > U128_MAX || reserved < 0n || reserved > U128_MAX) {
      throw new CodecError('OutOfRange', `balance out of u128 range: ${free}, ${reserved}`);
    }
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, free & WORD, true);
    view.setBigUint64(8, free >> 64n, true);
    view.setBigUint64(16, reserved & WORD, true);
    view.setBigUint64(24, reserved >> 64n, true);
    return out;
  },
  createDecoder((input) => {
    const bytes = input as Uint8Array & { i: number; v: DataView };
    const at = bytes.i;
    if (at + 32 > bytes.length) throw new CodecError('InvalidEncoding', 'truncated account data');
    const view = bytes.v;
    const free = view.getBigUint64(at, true) | (view.getBigUint64(at + 8, true) << 64n);
    const reserved = view.getBigUint64(at + 16, true) | (view.getBigUint64(at + 24, true) << 64n);
    bytes.i = at + 32;
    return { free, reserved };
  }),
);

export const TransferArgs = Struct({ dest: AccountId, amount: Balance });
export type TransferArgs = CodecType<typeof TransferArgs>;

export const balancesEventCodecs = {
  Transferred: Struct({ from: AccountId, to: AccountId, amount: Balance }),
  /** A transfer created the account `who` with `amount`. */
  Endowed: Struct({ who: AccountId, amount: Balance }),
  /** `who` fell below the existential deposit and was removed; `dust` went to the treasury. */
  Reaped: Struct({ who: AccountId, dust: Balance }),
  FeePaid: Struct({ who: AccountId, fee: Balance }),
  Reserved: Struct({ who: AccountId, amount: Balance }),
  Unreserved: Struct({ who: AccountId, amount: Balance }),
  /** Reserved funds of `who` taken to the treasury. */
  Slashed: Struct({ who: AccountId, amount: Balance }),
  /** New money in `who`'s free balance (a reward); the total issuance grew by `amount`. */
  Minted: Struct({ who: AccountId, amount: Balance }),
};

export type BalancesEventData = {
  [K in keyof typeof balancesEventCodecs]: CodecType<(typeof balancesEventCodecs)[K]>;
};

export const balancesCalls = {
  /** Signed: moves `amount` to `dest`; reaps the sender if it falls below the existential deposit. */
  transfer: (args: TransferArgs): Call => ({
    module: BALANCES,
    call: 'transfer',
    args: TransferArgs.enc(args),
  }),
  /** Signed: like `transfer`, but fails instead of reaping the sender. */
  transferKeepAlive: (args: TransferArgs): Call => ({
    module: BALANCES,
    call: 'transferKeepAlive',
    args: TransferArgs.enc(args),
  }),
};
