// system calls: check origin, validate, write, emit.
import { blake2b256 } from '../../codec/hash.js';
import { governanceCall, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { SystemErrors } from './errors.js';
import { SystemEvents } from './events.js';
import { findAuthoritiesProblem } from './findAuthoritiesProblem.js';
import { findParameterProblem } from './parameters.js';
import { Authorities, Parameters } from './storage.js';
import { RemarkArgs, SetAuthoritiesArgs, SetParametersArgs } from './types.js';

export const systemCallDefinitions = {
  setParameters: governanceCall(SetParametersArgs, (ctx, { parameters }) => {
    ensure(findParameterProblem(parameters) === undefined, SystemErrors.InvalidParameters);
    Parameters.set(ctx.state, parameters);
    SystemEvents.ParametersChanged.emit(ctx, { parameters });
  }),
  // The block that makes the change was checked against the old set; the new one checks the blocks
  // after it, since every follower checks a block's author against its parent's state.
  setAuthorities: governanceCall(SetAuthoritiesArgs, (ctx, { authorities }) => {
    ensure(findAuthoritiesProblem(authorities) === undefined, SystemErrors.InvalidAuthorities);
    Authorities.set(ctx.state, authorities);
    SystemEvents.AuthoritiesChanged.emit(ctx, { authorities });
  }),
  remark: signedCall(RemarkArgs, (ctx, who, { remark }) => {
    SystemEvents.Remarked.emit(ctx, { who, hash: blake2b256(remark) });
  }),
};
