// Off-chain errors of the node (STYLE.md, "Errors"). Each carries a stable `code` to match on.
import { PhalanxError } from '../codec/errors.js';

/** The embedded store refused an operation or holds something it should not (wrong chain, damage). */
export class StoreError extends PhalanxError {}

/**
 * A block from outside (a follower's upstream, later the etcd log) was refused before anything was
 * stored. Codes: BadSignature, UnknownAuthor, WrongParent, WrongNumber, TimestampNotIncreasing,
 * TimestampInFuture, InvalidExtrinsic, WrongExtrinsicsRoot, WrongEventsRoot, WrongStateRoot,
 * MalformedBlock.
 */
export class BlockImportError extends PhalanxError {}

/** Misuse or misconfiguration of a node (bad options, wrong role for an operation). */
export class NodeError extends PhalanxError {}
