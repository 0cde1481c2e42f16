// Weights: what an extrinsic costs the chain, in units of one balance transfer, so that its fee
// follows its cost instead of one flat price for a transfer and a DCAP verification alike. The fee
// is `system.Parameters.flatFee` per unit (the parameter keeps its name: it is what a transfer
// pays). This is consensus: the executive charges `extrinsicFee`, and the pool checks the fee that
// the runtime's validation reports, computed here, never a guess of its own.
//
// Where the units come from (docs/BENCHMARKS.md, a 2-core machine, Node 20):
// - `base`, 1: a transfer executes in ~281 µs (bench/runtime.bench.ts), most of it the extrinsic's
//   own ed25519 verification (~179 µs) and a few storage reads and writes.
// - `signature`, 1: one more ed25519 verification inside the call (an enclave's or the master key's
//   signature), ~0.6 of a transfer, rounded up.
// - `evidence`, 15: one DCAP verification cold, every certificate, CRL and collateral signature
//   checked (237 quotes/s, ~4.2 ms; bench/attestation.bench.ts), plus the chain's own work around
//   it (744 − 321 µs, bench/registry.bench.ts): ~4.6 ms, ~16 transfers with `base`. Charged at the
//   cold figure because the submitter picks the collateral (older, still Intel-signed versions are
//   not in the verifier's cache) and pays whether verification succeeds or not.
// - length, 1 per whole KiB: every node relays and keeps every block forever. A transfer (~200
//   bytes) adds nothing; a registration with its collateral (~16 KiB) adds about 15.

/** Units of the work a call does, to declare its weight with (`signedCall(args, { weight }, ...)`). */
export const WEIGHT = Object.freeze({ base: 1, signature: 1, evidence: 15 });

/** One weight unit per this many bytes of encoded extrinsic, rounded down. */
export const BYTES_PER_WEIGHT = 1024n;

/** Weight of an extrinsic: its call's declared weight plus its length. */
export function extrinsicWeight(callWeight: number, length: number): bigint {
  return BigInt(callWeight) + BigInt(length) / BYTES_PER_WEIGHT;
}

/** The fee of an extrinsic of that weight, `flatFee` per unit. */
export function extrinsicFee(flatFee: bigint, callWeight: number, length: number): bigint {
  return flatFee * extrinsicWeight(callWeight, length);
}

/** Checks a declared weight once, where the call is defined: a whole number of units, at least one. */
export function checkCallWeight(weight: number): number {
  if (!Number.isSafeInteger(weight) || weight < 1) {
    throw new Error(`a call's weight must be a whole number of units, at least 1; got ${weight}`);
  }
  return weight;
}
