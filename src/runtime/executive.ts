// The executive: turns a list of modules into the `Runtime` the node drives (api.ts). It owns what
// is common to every extrinsic: validity (size, decoding, chain, call, origin, signature, nonce,
// fee), the fee (its call's weight and its length, support/weight.ts) and nonce that an included
// extrinsic pays even when its call fails, running the call in its own overlay, and the
// `system.ExtrinsicSuccess` / `ExtrinsicFailed` receipts.

import { z } from 'zod';
import { concatBytes, equalBytes, utf8 } from '../codec/bytes.js';
import { ExtrinsicCodec } from '../codec/chain.js';
import { CodecError } from '../codec/errors.js';
import { blake2b256 } from '../codec/hash.js';
import { ed25519Verify } from '../codec/keys.js';
import { decodeExact } from '../codec/scale.js';
import type {
  ApplyResult,
  BlockBuilder,
  BlockContext,
  BlockExecution,
  CheckOptions,
  ExtrinsicOutcome,
  InvalidTransaction,
  Runtime,
  StateChanges,
  StateReader,
  ValidTransaction,
} from './api.js';
import { chargeFee, feeBudget } from './balances/currency.js';
import {
  type CallDefinition,
  type CallTable,
  createCallTable,
  type Dispatcher,
  type Origin,
  type RuntimeContext,
  runInLayer,
} from './support/dispatch.js';
import { parseGenesisSection } from './support/genesis.js';
import type { RuntimeModule } from './support/module.js';
import { EMPTY_STATE, Overlay } from './support/overlay.js';
import { U32_MAX } from './support/types.js';
import { extrinsicFee } from './support/weight.js';
import { SystemErrors } from './system/errors.js';
import { SystemEvents } from './system/events.js';
import { readParameters } from './system/parameters.js';
import { Nonces } from './system/storage.js';

/** An extrinsic that passed every validity check. */
interface CheckedExtrinsic {
  signer: Uint8Array | undefined;
  nonce: number;
  accountNonce: number;
  fee: bigint;
  feeBudget: bigint;
  definition: CallDefinition<unknown>;
  origin: Origin;
  args: unknown;
}

type CheckResult = { ok: true; checked: CheckedExtrinsic } | { ok: false; invalid: InvalidTransaction };

// Byte layout of a signed extrinsic (ExtrinsicCodec): Option tag 0x01, signer (32), nonce (u32 LE),
// signature (64), genesis hash (32), then the call. The signing payload is
// taggedHash('phalanx/extrinsic', genesisHash ‖ signer ‖ nonce ‖ call), i.e. the same bytes in
// another order, so it is hashed straight from the received bytes: no re-encoding, and an extrinsic
// whose call is not canonically encoded fails its signature instead of getting a second hash.
const SIGNER_AND_NONCE = [1, 37] as const;
const GENESIS_HASH = [101, 133] as const;
const EXTRINSIC_TAG = utf8('phalanx/extrinsic');

function signingPayloadOf(bytes: Uint8Array): Uint8Array {
  return blake2b256(
    concatBytes(
      EXTRINSIC_TAG,
      bytes.subarray(GENESIS_HASH[0], GENESIS_HASH[1]),
      bytes.subarray(SIGNER_AND_NONCE[0], SIGNER_AND_NONCE[1]),
      bytes.subarray(GENESIS_HASH[1]),
    ),
  );
}

function invalid(code: InvalidTransaction['code'], message: string): CheckResult {
  return { ok: false, invalid: { code, message } };
}

export interface Executive extends Runtime {
  readonly calls: CallTable;
  readonly modules: readonly RuntimeModule[];
}

export function createExecutive(modules: readonly RuntimeModule[]): Executive {
  for (const required of ['system', 'balances']) {
    if (!modules.some((module) => module.name === required)) {
      throw new Error(`the runtime needs the ${required} module`);
    }
  }
  const calls = createCallTable(modules);
  const genesisSchema = z.strictObject(
    Object.fromEntries(
      modules.flatMap((module) => (module.genesis ? [[module.name, module.genesis.schema]] : [])),
    ) as Record<string, z.ZodType>,
  );

  const dispatcher: Dispatcher = { calls, errors: SystemErrors };

  function contextOf(state: Overlay, block: BlockContext, phase: number | undefined): RuntimeContext {
    return { state, block, phase, dispatcher };
  }

  function check(
    state: StateReader,
    bytes: Uint8Array,
    genesisHash: Uint8Array,
    options: CheckOptions | undefined,
  ): CheckResult {
    const parameters = readParameters(state);
    if (bytes.length > parameters.maxExtrinsicSize) {
      return invalid(
        'ExtrinsicTooLarge',
        `extrinsic is ${bytes.length} bytes, the limit is ${parameters.maxExtrinsicSize}`,
      );
    }
    let extrinsic: ReturnType<typeof ExtrinsicCodec.dec>;
    try {
      extrinsic = decodeExact(ExtrinsicCodec, bytes, 'extrinsic');
    } catch (error) {
      if (error instanceof CodecError)
        return invalid('MalformedExtrinsic', `extrinsic does not decode: ${error.message}`);
      throw error;
    }
    // scale-ts reads any non-zero Option tag as Some; only 0x00 and 0x01 are canonical.
    if (bytes[0] !== 0 && bytes[0] !== 1)
      return invalid('MalformedExtrinsic', 'invalid signature option tag');
    if (!equalBytes(extrinsic.genesisHash, genesisHash)) {
      return invalid('WrongGenesis', 'extrinsic is for another chain (genesis hash differs)');
    }
    const { module, call } = extrinsic.call;
    const definition = calls.lookup(module, call);
    if (!definition) return invalid('UnknownCall', `unknown call ${module}.${call}`);
    const signature = extrinsic.signature;
    if (signature ? definition.origin !== 'signed' : definition.origin !== 'none') {
      const needs =
        definition.origin === 'governance'
          ? 'the governance origin (governance.sudo)'
          : definition.origin === 'signed'
            ? 'a signed extrinsic'
            : 'an unsigned extrinsic';
      return invalid('BadOrigin', `${module}.${call} needs ${needs}`);
    }
    let args: unknown;
    try {
      args = definition.decodeArgs(extrinsic.call.args, `${module}.${call} arguments`);
    } catch (error) {
      if (error instanceof CodecError) {
        return invalid(
          'MalformedExtrinsic',
          `arguments of ${module}.${call} do not decode: ${error.message}`,
        );
      }
      throw error;
    }
    if (!signature) {
      return {
        ok: true,
        checked: {
          signer: undefined,
          nonce: 0,
          accountNonce: 0,
          fee: 0n,
          feeBudget: 0n,
          definition,
          origin: { kind: 'none' },
          args,
        },
      };
    }
    const { signer, nonce } = signature;
    // Skipped only for bytes the node saw this runtime accept before (api.ts, CheckOptions): the
    // signature covers the bytes alone, so the answer cannot have changed.
    const verified = options?.isSignatureVerified?.(bytes) === true;
    if (!verified && !ed25519Verify(signer, signingPayloadOf(bytes), signature.signature)) {
      return invalid('BadSignature', 'signature does not verify against the signer and payload');
    }
    const accountNonce = Nonces.get(state, signer) ?? 0;
    if (nonce < accountNonce)
      return invalid('StaleNonce', `nonce ${nonce} already used (account nonce ${accountNonce})`);
    if (nonce === U32_MAX) return invalid('StaleNonce', 'nonce space exhausted');
    const fee = extrinsicFee(parameters.flatFee, definition.weight, bytes.length);
    const budget = feeBudget(state, signer);
    if (fee > budget) {
      return invalid(
        'CannotPayFee',
        `free balance cannot pay the fee ${fee} (${module}.${call}, ${bytes.length} bytes) and keep the existential deposit ${parameters.existentialDeposit}`,
      );
    }
    return {
      ok: true,
      checked: {
        signer,
        nonce,
        accountNonce,
        fee,
        feeBudget: budget,
        definition,
        origin: { kind: 'signed', who: signer },
        args,
      },
    };
  }

  function beginBlock(
    state: StateReader,
    block: BlockContext,
    genesisHash: Uint8Array,
    options?: CheckOptions,
  ): BlockBuilder {
    const blockLayer = new Overlay(state);
    const outcomes: ExtrinsicOutcome[] = [];
    let finished = false;
    const hookContext = contextOf(blockLayer, block, undefined);
    for (const module of modules) module.onInitialize?.(hookContext);

    function apply(bytes: Uint8Array): ApplyResult | { included: false; invalid: InvalidTransaction } {
      if (finished) throw new Error('apply after finish');
      const result = check(blockLayer, bytes, genesisHash, options);
      if (!result.ok) return { included: false, invalid: result.invalid };
      const { checked } = result;
      if (checked.nonce > checked.accountNonce) {
        return {
          included: false,
          invalid: {
            code: 'FutureNonce',
            message: `nonce ${checked.nonce} is ahead of the account nonce ${checked.accountNonce}`,
          },
        };
      }
      const index = outcomes.length;
      const ctx = contextOf(blockLayer, block, index);
      // Fee and nonce persist whatever the call does: that is what makes failing calls cost spam.
      if (checked.signer) {
        chargeFee(ctx, checked.signer, checked.fee);
        Nonces.set(blockLayer, checked.signer, checked.nonce + 1);
      }
      const dispatched = runInLayer(ctx, (inner) =>
        checked.definition.execute(inner, checked.origin, checked.args),
      );
      let outcome: ExtrinsicOutcome;
      if (dispatched.ok) {
        SystemEvents.ExtrinsicSuccess.emit(ctx, { index });
        outcome = { ok: true };
      } else {
        const { module, error, code } = dispatched.error;
        SystemEvents.ExtrinsicFailed.emit(ctx, { index, module, error, code });
        outcome = { ok: false, error: { module, error, code } };
      }
      outcomes.push(outcome);
      return { included: true, outcome };
    }

    function finish(): BlockExecution {
      if (finished) throw new Error('finish called twice');
      const finalizeContext = contextOf(blockLayer, block, undefined);
      for (const module of modules) module.onFinalize?.(finalizeContext);
      finished = true;
      return { changes: blockLayer.changes(), events: [...blockLayer.events], outcomes };
    }

    return { apply, finish };
  }

  function validateTransaction(
    state: StateReader,
    bytes: Uint8Array,
    genesisHash: Uint8Array,
    options?: CheckOptions,
  ): ValidTransaction | InvalidTransaction {
    const result = check(state, bytes, genesisHash, options);
    if (!result.ok) return result.invalid;
    const { signer, nonce, accountNonce, fee, feeBudget } = result.checked;
    return { signer, nonce, accountNonce, fee, feeBudget };
  }

  function buildGenesisState(config: unknown): StateChanges {
    const parsed = parseGenesisSection(genesisSchema, config, '') as Record<string, unknown>;
    const state = new Overlay(EMPTY_STATE);
    for (const module of modules) module.genesis?.build(state, parsed[module.name]);
    return state.changes();
  }

  return { calls, modules, buildGenesisState, beginBlock, validateTransaction };
}
