// Whether a block may have changed the authority set (`system.setAuthorities`, which only governance
// may call, so it arrives inside `governance.sudo`). The host asks this of every verified block body
// so that its light client adopts the new set at that block (followChain.ts), before the first header
// the new set governs. The body is matched against the verified extrinsics root before this is asked,
// so a node cannot hide such a call from it.
//
// It answers "maybe" rather than "did": a call that failed (not the sudo key, an invalid set) also
// counts, and so does anything that does not decode. Each costs one proof of an unchanged set, while
// a missed change would keep a removed authority trusted; what this misses (a change by another path
// some future runtime adds) is left to the unknown-author fallback in followChain.ts.
import type { Call } from '../../codec/chain.js';
import { ExtrinsicCodec } from '../../codec/chain.js';
import { decodeExact } from '../../codec/scale.js';
import { GOVERNANCE, type governanceCalls, SudoArgs } from '../../runtime/governance/types.js';
import { SYSTEM, type systemCalls } from '../../runtime/system/types.js';

// Typed by the builders, so that renaming either call breaks this file's build, not its answers.
const SET_AUTHORITIES: keyof typeof systemCalls = 'setAuthorities';
const SUDO: keyof typeof governanceCalls = 'sudo';
/** Sudo inside sudo fails on chain (sudo needs a signer), so two levels are already more than enough. */
const MAX_NESTING = 4;

function callMayChangeAuthorities(call: Call, depth: number): boolean {
  if (call.module === SYSTEM && call.call === SET_AUTHORITIES) return true;
  if (call.module !== GOVERNANCE || call.call !== SUDO) return false;
  if (depth >= MAX_NESTING) return true;
  let inner: Call;
  try {
    inner = decodeExact(SudoArgs, call.args, 'governance.sudo arguments').call;
  } catch {
    return true;
  }
  return callMayChangeAuthorities(inner, depth + 1);
}

/** True if some extrinsic of the block calls `system.setAuthorities` (or might: see above). */
export function proposesAuthorityChange(extrinsics: readonly Uint8Array[]): boolean {
  return extrinsics.some((bytes) => {
    try {
      return callMayChangeAuthorities(decodeExact(ExtrinsicCodec, bytes, 'extrinsic').call, 0);
    } catch {
      return true;
    }
  });
}
