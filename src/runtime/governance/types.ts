// governance: SCALE codecs of its calls and events, and call builders. Imports only src/codec and
// other types.ts files (clients build calls with it).
import { type Call, CallCodec } from '../../codec/chain.js';
import { bool, type CodecType, Option, Struct } from '../../codec/scale.js';
import { AccountId, DispatchErrorCodec } from '../support/types.js';

export const GOVERNANCE = 'governance' as const;

export const SudoArgs = Struct({ call: CallCodec });
export const SetSudoKeyArgs = Struct({ newKey: AccountId });

export const governanceEventCodecs = {
  /** The sudo key dispatched a call with the governance origin; a failed inner call was reverted. */
  Sudid: Struct({ ok: bool, error: Option(DispatchErrorCodec) }),
  SudoKeyChanged: Struct({ old: AccountId, new: AccountId }),
};

export type GovernanceEventData = {
  [K in keyof typeof governanceEventCodecs]: CodecType<(typeof governanceEventCodecs)[K]>;
};

export const governanceCalls = {
  /** Signed by the sudo key: dispatches `call` with the governance origin. */
  sudo: (call: Call): Call => ({ module: GOVERNANCE, call: 'sudo', args: SudoArgs.enc({ call }) }),
  /** Signed by the sudo key: hands the sudo key to `newKey`. */
  setSudoKey: (newKey: Uint8Array): Call => ({
    module: GOVERNANCE,
    call: 'setSudoKey',
    args: SetSudoKeyArgs.enc({ newKey }),
  }),
};
