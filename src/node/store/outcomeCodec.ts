// How the store keeps the per-extrinsic outcomes of a block: `None` for success, `Some(error)`.
import { type Codec, enhanceCodec, Option, Struct, str, u32, Vector } from '../../codec/scale.js';
import type { ExtrinsicOutcome } from '../../runtime/api.js';

const OutcomeCodec = Option(Struct({ module: str, error: str, code: u32 }));

export const OutcomesCodec: Codec<ExtrinsicOutcome[]> = enhanceCodec(
  Vector(OutcomeCodec),
  (outcomes: ExtrinsicOutcome[]) => outcomes.map((outcome) => (outcome.ok ? undefined : outcome.error)),
  (errors) =>
    errors.map((error): ExtrinsicOutcome => (error === undefined ? { ok: true } : { ok: false, error })),
);
