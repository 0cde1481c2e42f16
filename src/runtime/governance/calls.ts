// governance calls: only the sudo key may call them.
import { equalBytes } from '../../codec/bytes.js';
import { dispatchCall, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { GovernanceErrors } from './errors.js';
import { GovernanceEvents } from './events.js';
import { SudoKey } from './storage.js';
import { SetSudoKeyArgs, SudoArgs } from './types.js';

export const governanceCallDefinitions = {
  sudo: signedCall(SudoArgs, (ctx, who, { call }) => {
    const sudoKey = SudoKey.get(ctx.state);
    ensure(sudoKey !== undefined && equalBytes(sudoKey, who), GovernanceErrors.RequireSudo);
    // The inner call runs in its own layer: its failure is recorded here, not propagated, so that
    // the sudo extrinsic itself succeeds and the reason is on chain.
    const result = dispatchCall(ctx, { kind: 'governance' }, call);
    GovernanceEvents.Sudid.emit(
      ctx,
      result.ok ? { ok: true, error: undefined } : { ok: false, error: result.error },
    );
  }),
  setSudoKey: signedCall(SetSudoKeyArgs, (ctx, who, { newKey }) => {
    const sudoKey = SudoKey.get(ctx.state);
    ensure(sudoKey !== undefined && equalBytes(sudoKey, who), GovernanceErrors.RequireSudo);
    SudoKey.set(ctx.state, newKey);
    GovernanceEvents.SudoKeyChanged.emit(ctx, { old: sudoKey, new: newKey });
  }),
};
