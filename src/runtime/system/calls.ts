// system calls: check origin, validate, write, emit.
import { blake2b256 } from '../../codec/hash.js';
import { governanceCall, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { SystemErrors } from './errors.js';
import { SystemEvents } from './events.js';
import { findParameterProblem } from './parameters.js';
import { Parameters } from './storage.js';
import { RemarkArgs, SetParametersArgs } from './types.js';

export const systemCallDefinitions = {
  setParameters: governanceCall(SetParametersArgs, (ctx, { parameters }) => {
    ensure(findParameterProblem(parameters) === undefined, SystemErrors.InvalidParameters);
    Parameters.set(ctx.state, parameters);
    SystemEvents.ParametersChanged.emit(ctx, { parameters });
  }),
  remark: signedCall(RemarkArgs, (ctx, who, { remark }) => {
    SystemEvents.Remarked.emit(ctx, { who, hash: blake2b256(remark) });
  }),
};
