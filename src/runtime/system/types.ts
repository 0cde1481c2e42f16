// system: SCALE codecs of its calls, events and storage values, and builders of its calls. Imports
// only src/codec and other types.ts files (clients build calls with it).
import type { Call } from '../../codec/chain.js';
import {
  Bytes,
  type CodecType,
  Hash32,
  PublicKey32,
  Struct,
  str,
  u16,
  u32,
  Vector,
} from '../../codec/scale.js';
import { AccountId, Balance, DispatchErrorCodec } from '../support/types.js';

export const SYSTEM = 'system' as const;

/** Chain parameters that governance may change with `system.setParameters`. */
export const ParametersCodec = Struct({
  /** Fee per unit of weight (a transfer is one unit; support/weight.ts), paid to the treasury. */
  flatFee: Balance,
  /** An account whose total balance falls below it is reaped (its dust goes to the treasury). */
  existentialDeposit: Balance,
  /** Largest encoded extrinsic, in bytes. */
  maxExtrinsicSize: u32,
});
export type Parameters = CodecType<typeof ParametersCodec>;

/** Limits on `maxExtrinsicSize`: large enough for a quote with its collateral, small enough for a block. */
export const MIN_EXTRINSIC_SIZE = 1024;
export const MAX_EXTRINSIC_SIZE = 4 * 1024 * 1024;

/**
 * How many recent block hashes `system.BlockHashes` keeps (recentBlock checks), and so the largest
 * `maxEvidenceAgeBlocks` a policy may set. Small on purpose: the map is part of the state, so every
 * hash kept is a leaf in every state trie, and until the map is full it grows the store by an entry
 * a block. 256 blocks is minutes at the devnet's 500 ms and over 25 at 6 s, while evidence names the
 * head it was made at and is included within a few blocks; Substrate keeps 250 to 4096.
 */
export const BLOCK_HASH_COUNT = 256;

/**
 * Most keys `system.Authorities` may hold (genesis and `setAuthorities` alike): a bound on what every
 * follower, the enclave's light client included, scans for each header and seals in its checkpoint.
 */
export const MAX_AUTHORITIES = 100;

/** The block authorities (ed25519 keys), as `system.Authorities` stores them. */
export const AuthoritiesCodec = Vector(PublicKey32);

export const SetParametersArgs = Struct({ parameters: ParametersCodec });
export const SetAuthoritiesArgs = Struct({ authorities: AuthoritiesCodec });
export const RemarkArgs = Struct({ remark: Bytes() });

export const systemEventCodecs = {
  ExtrinsicSuccess: Struct({ index: u32 }),
  ExtrinsicFailed: Struct({ index: u32, module: str, error: str, code: u16 }),
  ParametersChanged: Struct({ parameters: ParametersCodec }),
  /** The set that checks the next block's author (the parent's state decides who may seal). */
  AuthoritiesChanged: Struct({ authorities: AuthoritiesCodec }),
  Remarked: Struct({ who: AccountId, hash: Hash32 }),
};

export type SystemEventData = {
  [K in keyof typeof systemEventCodecs]: CodecType<(typeof systemEventCodecs)[K]>;
};

export { DispatchErrorCodec };

export const systemCalls = {
  /** Governance origin: replaces the chain parameters. */
  setParameters: (parameters: Parameters): Call => ({
    module: SYSTEM,
    call: 'setParameters',
    args: SetParametersArgs.enc({ parameters }),
  }),
  /**
   * Governance origin: replaces the block authorities (1..MAX_AUTHORITIES distinct keys) from the
   * next block on: a block's author is checked against its parent's state.
   */
  setAuthorities: (authorities: readonly Uint8Array[]): Call => ({
    module: SYSTEM,
    call: 'setAuthorities',
    args: SetAuthoritiesArgs.enc({ authorities: [...authorities] }),
  }),
  /** Signed: records the BLAKE2b-256 of `remark` in an event; costs only the fee. */
  remark: (remark: Uint8Array): Call => ({
    module: SYSTEM,
    call: 'remark',
    args: RemarkArgs.enc({ remark }),
  }),
};
