// What every benchmark returns: its markdown section for docs/BENCHMARKS.md, and its figures for
// `npm run bench -- --json` (one JSON object per line). A figure is a cost, lower is better, next
// to the cost of its baseline measured in the same run; the ratio value / baseline is the verdict.

export interface Figure {
  /** Stable name, e.g. `dcap.warm.newPlatform`. */
  readonly name: string;
  /** Unit of `value` and `baseline.value`, e.g. `µs/quote`. */
  readonly unit: string;
  readonly value: number;
  readonly baseline: { readonly name: string; readonly value: number };
}

export interface BenchResult {
  readonly markdown: string;
  readonly figures: readonly Figure[];
}

export interface BenchOptions {
  /** Small sizes and short durations, to check that a benchmark runs; its figures mean little. */
  readonly quick: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Rounds a figure's numbers to what the machines can tell apart. */
export function figure(
  name: string,
  unit: string,
  value: number,
  baseline: { name: string; value: number },
): Figure {
  const round = (n: number) => Number(n.toPrecision(4));
  return { name, unit, value: round(value), baseline: { name: baseline.name, value: round(baseline.value) } };
}
