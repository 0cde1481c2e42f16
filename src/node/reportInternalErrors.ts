// A call that fails with a module's `InternalError` (today: the registry's, when the evidence verifier
// throws something other than a typed AttestationError) was refused fail-closed, like bad input, but
// it is a bug of ours. The receipt alone would pass it off as one more refusal among many, so every
// node says it loudly for each block it commits, built or imported: an error-level log naming the
// block and the extrinsic (whose evidence reproduces the bug with `phalanx attest verify`) and a
// counter to alert on.
import type { Logger } from 'pino';
import { bytesToHex } from '../codec/bytes.js';
import { type Block, hashExtrinsic } from '../codec/chain.js';
import type { ExtrinsicOutcome } from '../runtime/api.js';
import type { NodeMetrics } from './createNodeMetrics.js';

/** The error name every module uses for a bug caught and refused rather than thrown. */
export const INTERNAL_ERROR = 'InternalError';

/** Logs and counts each extrinsic of `block` whose outcome is an `InternalError`; returns how many. */
export function reportInternalErrors(
  block: Block,
  outcomes: readonly ExtrinsicOutcome[],
  sink: { readonly logger: Logger; readonly metrics: Pick<NodeMetrics, 'internalErrors'> },
): number {
  let found = 0;
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.ok || outcome.error.error !== INTERNAL_ERROR) continue;
    found++;
    sink.metrics.internalErrors.inc({ module: outcome.error.module });
    const extrinsic = block.extrinsics[index];
    sink.logger.error(
      {
        number: block.header.number,
        index,
        extrinsic: extrinsic === undefined ? undefined : bytesToHex(hashExtrinsic(extrinsic)),
        module: outcome.error.module,
        code: outcome.error.code,
      },
      `${outcome.error.module}.${INTERNAL_ERROR}: a bug was caught and the call refused; its input reproduces it`,
    );
  }
  return found;
}
