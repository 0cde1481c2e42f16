// The one rule for "this header extends that parent" (DESIGN.md section 2), shared by everything that
// follows the chain: the node importing a block (src/node/createChain.ts) and the enclave's light
// client (src/worker/enclave/lightClient.ts). Both used to carry their own copy, and the copies
// drifted: full nodes refused a header dated 2^62 ms that the light client accepted. One function
// means one answer. It returns the refusal rather than throwing it, so that each caller raises its own
// typed error (BlockImportError, LightClientError) with the same code.
import { bytesToHex, equalBytes } from './bytes.js';
import { type Header, type SignedHeader, verifyHeaderSignature } from './chain.js';

/**
 * The largest step (ms) between a block's timestamp and its parent's. Part of the chain's rules:
 * every full node refuses a larger step, and the light client, which has no clock it can trust,
 * refuses it too; so the light client's bound is one that full nodes also enforce. An hour is far
 * above any block interval, and an authority that was down longer catches up in steps of an hour
 * (see `nextBlockTimestamp`).
 */
export const MAX_TIMESTAMP_STEP_MS = 3_600_000n;

export type HeaderRuleCode =
  | 'WrongNumber'
  | 'WrongParent'
  | 'TimestampNotIncreasing'
  | 'TimestampInFuture'
  | 'TimestampStepTooLarge'
  | 'UnknownAuthor'
  | 'BadSignature';

/** Why a header does not extend its parent: the caller wraps it in its own typed error. */
export interface HeaderRefusal {
  readonly code: HeaderRuleCode;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export interface HeaderParent {
  readonly hash: Uint8Array;
  readonly header: Header;
}

export interface HeaderRuleContext {
  /** The block authorities the header's author must be one of. */
  readonly authorities: readonly Uint8Array[];
  /**
   * The checker's own clock (ms since the epoch) and how far ahead of it a timestamp may be. A full
   * node passes its clock; the enclave's light client passes none, because the only clock it could
   * get is its untrusted host's.
   */
  readonly clock?: { readonly nowMs: bigint; readonly toleranceMs: bigint };
}

/**
 * Decides whether `signed` extends `parent`; undefined if it does, else the first rule it breaks, in
 * this order (cheap checks first, the signature last):
 *
 * 1. `WrongNumber`: its number is the parent's plus one.
 * 2. `WrongParent`: its parent hash is the parent's hash.
 * 3. `TimestampNotIncreasing`: its timestamp is strictly above the parent's.
 * 4. `TimestampInFuture` (only with a `clock`): its timestamp is at most `nowMs + toleranceMs`.
 * 5. `TimestampStepTooLarge`: its timestamp is at most the parent's plus MAX_TIMESTAMP_STEP_MS, unless
 *    the parent is an undated genesis (timestamp 0: a genesis file without a time, as a devnet
 *    writes), whose first block may carry any time, since no step from 1970 would reach today.
 * 6. `UnknownAuthor`: its author is one of `authorities`.
 * 7. `BadSignature`: the author's signature over the header hash verifies.
 *
 * What this means for the light client: every rule a full node applies to a timestamp, it applies
 * too, except the clock (4), which it cannot have. A full node's clock bound (4) and the step bound
 * (5) together keep the chain's time within `toleranceMs` of real time, so a header a full node
 * refuses for its clock either also breaks the step bound (the light client refuses it: a header
 * dated 2^62 ms is one) or is at most MAX_TIMESTAMP_STEP_MS ahead of a header the light client
 * accepted. Running further ahead takes one more authority-signed header per hour of lead, on a fork
 * full nodes refuse: an equivocating authority, which a light client cannot detect anyway. The one
 * header without a step bound is block 1 of an undated genesis.
 */
export function checkHeaderExtendsParent(
  parent: HeaderParent,
  signed: SignedHeader,
  context: HeaderRuleContext,
): HeaderRefusal | undefined {
  const { header } = signed;
  const previous = parent.header;
  const refuse = (code: HeaderRuleCode, message: string, details: Record<string, unknown> = {}) => ({
    code,
    message,
    details,
  });
  if (header.number !== previous.number + 1) {
    return refuse('WrongNumber', `expected number ${previous.number + 1}`, { expected: previous.number + 1 });
  }
  if (!equalBytes(header.parentHash, parent.hash)) {
    return refuse(
      'WrongParent',
      `parent 0x${bytesToHex(header.parentHash)} is not 0x${bytesToHex(parent.hash)}`,
      { parentHash: bytesToHex(header.parentHash), expected: bytesToHex(parent.hash) },
    );
  }
  if (header.timestamp <= previous.timestamp) {
    return refuse(
      'TimestampNotIncreasing',
      `timestamp ${header.timestamp} is not above the parent's ${previous.timestamp}`,
      { timestamp: header.timestamp.toString(), parentTimestamp: previous.timestamp.toString() },
    );
  }
  if (context.clock && header.timestamp > context.clock.nowMs + context.clock.toleranceMs) {
    const { nowMs, toleranceMs } = context.clock;
    return refuse(
      'TimestampInFuture',
      `timestamp ${header.timestamp} is more than ${toleranceMs} ms ahead of ${nowMs}`,
      { timestamp: header.timestamp.toString(), now: nowMs.toString(), toleranceMs: toleranceMs.toString() },
    );
  }
  const latest = latestTimestamp(previous);
  if (latest !== undefined && header.timestamp > latest) {
    return refuse(
      'TimestampStepTooLarge',
      `timestamp ${header.timestamp} is more than ${MAX_TIMESTAMP_STEP_MS} ms after the parent's ${previous.timestamp}`,
      { timestamp: header.timestamp.toString(), latest: latest.toString() },
    );
  }
  if (!context.authorities.some((key) => equalBytes(key, header.author))) {
    return refuse('UnknownAuthor', `author 0x${bytesToHex(header.author)} is not an authority`, {
      author: bytesToHex(header.author),
    });
  }
  if (!verifyHeaderSignature(signed)) return refuse('BadSignature', 'the author signature does not verify');
  return undefined;
}

/** The latest timestamp a child of `parent` may carry; undefined after an undated genesis. */
function latestTimestamp(parent: Header): bigint | undefined {
  return parent.timestamp === 0n ? undefined : parent.timestamp + MAX_TIMESTAMP_STEP_MS;
}

/**
 * The timestamp an author gives the child of `parent` at time `nowMs`: its clock, kept strictly above
 * the parent's and within MAX_TIMESTAMP_STEP_MS of it, so that what it builds passes
 * `checkHeaderExtendsParent` everywhere. After an outage longer than the step, the chain's time
 * catches up with the clock one step per block.
 */
export function nextBlockTimestamp(parent: Header, nowMs: bigint): bigint {
  const earliest = parent.timestamp + 1n;
  const latest = latestTimestamp(parent);
  if (nowMs < earliest) return earliest;
  return latest !== undefined && nowMs > latest ? latest : nowMs;
}
