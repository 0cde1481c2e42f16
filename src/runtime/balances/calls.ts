// balances calls: check origin, validate, write, emit.
import { signedCall } from '../support/dispatch.js';
import { transferFunds } from './currency.js';
import { TransferArgs } from './types.js';

export const balancesCallDefinitions = {
  transfer: signedCall(TransferArgs, (ctx, who, { dest, amount }) => {
    transferFunds(ctx, who, dest, amount, 'allowDeath');
  }),
  transferKeepAlive: signedCall(TransferArgs, (ctx, who, { dest, amount }) => {
    transferFunds(ctx, who, dest, amount, 'keepAlive');
  }),
};
