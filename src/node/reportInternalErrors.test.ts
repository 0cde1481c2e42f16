import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Collateral } from '../attestation/collateral.js';
import { createSimPki, createSimQuote } from '../attestation/sim/index.js';
import { type Block, type Call, signExtrinsic } from '../codec/chain.js';
import { devKeypair } from '../codec/devKeys.js';
import { u8 } from '../codec/scale.js';
import type { ExtrinsicOutcome } from '../runtime/api.js';
import { createRuntime, MODULES } from '../runtime/index.js';
import { readActivePolicy } from '../runtime/registry/policy.js';
import { WORKER_INFO_VERSION, type WorkerInfo } from '../runtime/registry/types.js';
import { verifyEvidence } from '../runtime/registry/verifyEvidence.js';
import { signedCall } from '../runtime/support/dispatch.js';
import type { RuntimeModule } from '../runtime/support/module.js';
import { createNode, type Node } from './createNode.js';
import { createNodeMetrics } from './createNodeMetrics.js';
import { reportInternalErrors } from './reportInternalErrors.js';
import { GENESIS_TIME, makeTempDir, testGenesis } from './testing/nodeFixture.js';

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function counted(metrics: ReturnType<typeof createNodeMetrics>): Promise<Record<string, number>> {
  const { values } = await metrics.internalErrors.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.module), v.value]));
}

const block = (extrinsics: number): Block => ({
  header: {
    parentHash: new Uint8Array(32),
    number: 7,
    timestamp: 0n,
    stateRoot: new Uint8Array(32),
    extrinsicsRoot: new Uint8Array(32),
    eventsRoot: new Uint8Array(32),
    author: new Uint8Array(32),
  },
  signature: new Uint8Array(64),
  extrinsics: Array.from({ length: extrinsics }, (_, i) => Uint8Array.of(i)),
});

describe('reportInternalErrors', () => {
  it('counts and logs at error level each InternalError outcome, and nothing for successes or ordinary refusals', async () => {
    const metrics = createNodeMetrics();
    const { logger, lines } = capturingLogger();
    const outcomes: ExtrinsicOutcome[] = [
      { ok: true },
      { ok: false, error: { module: 'registry', error: 'MalformedEvidence', code: 5 } },
      { ok: false, error: { module: 'registry', error: 'InternalError', code: 27 } },
      { ok: false, error: { module: 'registry', error: 'InternalError', code: 27 } },
    ];
    assert.equal(reportInternalErrors(block(4), outcomes, { logger, metrics }), 2);
    assert.deepEqual(await counted(metrics), { registry: 2 });
    assert.deepEqual(
      lines.map((line) => [line.level, line.number, line.index, line.module]),
      [
        [50, 7, 2, 'registry'],
        [50, 7, 3, 'registry'],
      ],
    );

    const quiet = capturingLogger();
    assert.equal(reportInternalErrors(block(2), outcomes.slice(0, 2), { ...quiet, metrics }), 0);
    assert.deepEqual(quiet.lines, []);
    assert.deepEqual(await counted(metrics), { registry: 2 });
  });
});

// A module of this test only, whose call runs the registry's real evidence check on evidence whose
// collateral is null: the verifier hits a TypeError, as a bug in it would, and the registry refuses
// the call with InternalError. The node must then say so, not file it among refusals.
const BUGGY_VERIFIER = 'buggyVerifier';
const info: WorkerInfo = {
  version: WORKER_INFO_VERSION,
  pubkey: new Uint8Array(32).fill(1),
  ecdhPubkey: new Uint8Array(32).fill(2),
  genesisHash: new Uint8Array(32),
  operator: new Uint8Array(32).fill(3),
  features: { cores: 1, tee: 'sgx' },
  recentBlock: { number: 0, hash: new Uint8Array(32) },
};
// A well-formed quote, so that verification gets past parsing it to the collateral.
const { quote } = createSimQuote(createSimPki({ seed: Uint8Array.of(4, 2), now: GENESIS_TIME / 1000 }), {
  tee: 'sgx',
  reportData: new Uint8Array(64),
});
const buggyVerifierModule: RuntimeModule = {
  name: BUGGY_VERIFIER,
  calls: {
    verify: signedCall(u8, (ctx) => {
      const evidence = {
        tag: 'Dcap' as const,
        value: { quote, collateral: null as unknown as Collateral },
      };
      verifyEvidence(evidence, info, readActivePolicy(ctx.state), Number(ctx.block.timestamp / 1000n));
    }),
  },
  events: {},
  errors: {},
};

describe('a node committing a block with a registry InternalError', () => {
  let node: Node | undefined;
  const dir = makeTempDir();
  afterEach(async () => {
    await node?.stop();
    dir.remove();
  });

  it('counts it in phalanx_extrinsic_internal_errors_total and logs it at error level', async () => {
    const { logger, lines } = capturingLogger();
    const runtime = createRuntime({ modules: [...MODULES, buggyVerifierModule] });
    let now = GENESIS_TIME;
    node = createNode({
      dataDir: dir.path,
      genesis: testGenesis(),
      role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
      blockIntervalMs: 1000,
      clock: () => (now += 1000),
      logger,
      runtime: {
        runtime,
        authorities: (state) => runtime.queries.getAuthorities(state),
        chainName: (state) => runtime.queries.getChainName(state),
      },
    });
    const bob = devKeypair('bob');
    const call: Call = { module: BUGGY_VERIFIER, call: 'verify', args: u8.enc(0) };
    node.submitExtrinsic(
      signExtrinsic({
        genesisHash: node.chain.genesisHash,
        signerSeed: bob.secretSeed,
        signer: bob.publicKey,
        nonce: 0,
        call,
      }),
    );
    await node.engine.step();

    const outcomes = node.getOutcomes(node.head().hash);
    assert.deepEqual(outcomes, [
      { ok: false, error: { module: 'registry', error: 'InternalError', code: 27 } },
    ]);
    assert.match(await node.metrics(), /phalanx_extrinsic_internal_errors_total\{module="registry"\} 1/);
    const reported = lines.filter((line) => line.level === 50);
    assert.equal(reported.length, 1);
    assert.equal(reported[0]!.module, 'registry');
    assert.equal(reported[0]!.number, 1);
  });
});
