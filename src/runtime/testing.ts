// Test helper for module tests (STYLE.md, "Tests"): an in-memory chain over a Map, the dev genesis
// with funded dev accounts, and `applySigned`, which executes a one-extrinsic block and tells what
// that extrinsic (not the block hooks) wrote and emitted. Not used by production code.
import { concatBytes, toHex, utf8 } from '../codec/bytes.js';
import { type Call, type Event, ExtrinsicCodec, signExtrinsic } from '../codec/chain.js';
import { type DevAccountName, devKeypair } from '../codec/devKeys.js';
import { blake2b256, taggedHash } from '../codec/hash.js';
import type { Keypair } from '../codec/keys.js';
import type {
  ApplyResult,
  BlockContext,
  BlockExecution,
  InvalidTransaction,
  StateChanges,
  StateReader,
} from './api.js';
import { Accounts } from './balances/storage.js';
import { createDevGenesisConfig } from './genesis/createDevGenesisConfig.js';
import { type AccountView, createRuntime, type PhalanxRuntime } from './index.js';
import type { RuntimeContext } from './support/dispatch.js';
import type { DecodedEvent } from './support/events.js';
import type { RuntimeModule } from './support/module.js';
import { createMapReader, Overlay } from './support/overlay.js';
import { SystemErrors } from './system/errors.js';

export type Signer = Keypair | DevAccountName;

export type ApplyOutcome = ApplyResult | { included: false; invalid: InvalidTransaction };

export interface ExtrinsicReport {
  result: ApplyOutcome;
  /** Events of the extrinsic (phase 0), decoded. */
  events: DecodedEvent[];
  /** Labels (`module/Item/0x<key>`) of keys the extrinsic changed, beyond what the block hooks change. */
  written: string[];
  execution: BlockExecution;
}

export interface TestChain {
  readonly runtime: PhalanxRuntime;
  readonly genesisHash: Uint8Array;
  /** The state after the last executed block, keyed by hex key. */
  readonly state: Map<string, Uint8Array>;
  readonly reader: StateReader;
  /** Number of the last executed block (0 = genesis). */
  readonly number: number;
  nextBlockContext(): BlockContext;
  executeBlock(extrinsics: readonly Uint8Array[]): { execution: BlockExecution; results: ApplyOutcome[] };
  sign(signer: Signer, call: Call, nonce?: number): Uint8Array;
  unsigned(call: Call): Uint8Array;
  applySigned(signer: Signer, call: Call, options?: { nonce?: number }): ExtrinsicReport;
  applyExtrinsic(extrinsic: Uint8Array): ExtrinsicReport;
  account(who: Signer | Uint8Array): AccountView;
  /** A copy of the state, to compare with later. */
  snapshot(): Map<string, Uint8Array>;
  /** Sum of free + reserved over every balances account (treasury included). */
  sumOfBalances(): bigint;
  /** A context for calling module functions directly, over a fresh overlay on the current state. */
  context(phase?: number): RuntimeContext;
}

export function keypairOf(signer: Signer): Keypair {
  return typeof signer === 'string' ? devKeypair(signer) : signer;
}

export function publicKeyOf(who: Signer | Uint8Array): Uint8Array {
  return who instanceof Uint8Array ? who : keypairOf(who).publicKey;
}

export function applyChanges(state: Map<string, Uint8Array>, changes: StateChanges): void {
  for (const [hex, { value }] of changes) {
    if (value === null) state.delete(hex);
    else state.set(hex, value);
  }
}

/** `module/Item/0x<rest>` for a storage key, readable in assertion diffs. */
export function keyLabel(hexKey: string): string {
  const bytes = Buffer.from(hexKey, 'hex');
  const first = bytes.indexOf(0x2f);
  const second = first < 0 ? -1 : bytes.indexOf(0x2f, first + 1);
  if (second < 0) return `0x${hexKey}`;
  const rest = bytes.subarray(second + 1);
  return `${bytes.subarray(0, second + 1).toString('latin1')}${rest.length ? toHex(rest) : ''}`;
}

export function createTestChain(
  options: { genesisConfig?: unknown; modules?: readonly RuntimeModule[] } = {},
): TestChain {
  const runtime = createRuntime(options.modules ? { modules: options.modules } : {});
  const genesisConfig = options.genesisConfig ?? createDevGenesisConfig({ chainName: 'test' });
  const state = new Map<string, Uint8Array>();
  applyChanges(state, runtime.buildGenesisState(genesisConfig));
  // The real genesis hash is the node's (a header over the state root); any fixed hash serves here.
  const genesisHash = taggedHash('phalanx/test-genesis', utf8(JSON.stringify(genesisConfig)));
  const reader = createMapReader(state);
  let number = 0;
  let parentHash = genesisHash;
  const nonces = new Map<string, number>();

  function nextBlockContext(): BlockContext {
    return {
      number: number + 1,
      timestamp: 1_700_000_000_000n + BigInt(number + 1) * 6000n,
      parentHash,
      author: devKeypair('alice').publicKey,
    };
  }

  function executeBlock(extrinsics: readonly Uint8Array[]) {
    const context = nextBlockContext();
    const builder = runtime.beginBlock(reader, context, genesisHash);
    const results = extrinsics.map((extrinsic) => builder.apply(extrinsic));
    const execution = builder.finish();
    applyChanges(state, execution.changes);
    number = context.number;
    parentHash = blake2b256(concatBytes(parentHash, utf8(`block ${number}`)));
    return { execution, results };
  }

  function sign(signer: Signer, call: Call, nonce?: number): Uint8Array {
    const keypair = keypairOf(signer);
    const id = toHex(keypair.publicKey);
    const onChain = runtime.queries.getAccount(reader, keypair.publicKey).nonce;
    const used = nonce ?? Math.max(onChain, nonces.get(id) ?? 0);
    if (nonce === undefined) nonces.set(id, used + 1);
    return signExtrinsic({
      genesisHash,
      signerSeed: keypair.secretSeed,
      signer: keypair.publicKey,
      nonce: used,
      call,
    });
  }

  function unsigned(call: Call): Uint8Array {
    return ExtrinsicCodec.enc({ signature: undefined, genesisHash, call });
  }

  function applyExtrinsic(extrinsic: Uint8Array): ExtrinsicReport {
    // The same block without the extrinsic tells which writes are the hooks'.
    const hooksOnly = runtime.beginBlock(reader, nextBlockContext(), genesisHash).finish().changes;
    const { execution, results } = executeBlock([extrinsic]);
    const written = [...execution.changes.keys()]
      .filter((hex) => {
        const hook = hooksOnly.get(hex);
        const mine = execution.changes.get(hex)!;
        return !hook || toHex(hook.value ?? new Uint8Array()) !== toHex(mine.value ?? new Uint8Array());
      })
      .map(keyLabel)
      .sort();
    const events = execution.events.filter((event: Event) => event.phase === 0).map(runtime.decodeEvent);
    return { result: results[0]!, events, written, execution };
  }

  const chain: TestChain = {
    runtime,
    genesisHash,
    state,
    reader,
    get number() {
      return number;
    },
    nextBlockContext,
    executeBlock,
    sign,
    unsigned,
    applySigned: (signer, call, opts = {}) => applyExtrinsic(sign(signer, call, opts.nonce)),
    applyExtrinsic,
    account: (who) => runtime.queries.getAccount(reader, publicKeyOf(who)),
    snapshot: () => new Map(state),
    context: (phase = 0) => ({
      state: new Overlay(reader),
      block: nextBlockContext(),
      phase,
      dispatcher: { calls: runtime.calls, errors: SystemErrors },
    }),
    sumOfBalances() {
      let sum = 0n;
      const prefix = Buffer.from(Accounts.prefix).toString('hex');
      for (const [hex, value] of state) {
        if (!hex.startsWith(prefix)) continue;
        const { free, reserved } = Accounts.decodeValue(value);
        sum += free + reserved;
      }
      return sum;
    },
  };
  return chain;
}

/** Label of a map entry's key, as `written` lists it. */
export function labelOf(fullKey: Uint8Array): string {
  return keyLabel(Buffer.from(fullKey).toString('hex'));
}
