// Real Intel evidence through the registry (issue 4, "Must show"): the DCAP and IAS vectors of
// ../shared/vectors/attestation (manifest.json; each case's source is cited there), submitted as
// registrations on a chain that trusts Intel's roots alone, in a block whose timestamp is the case's
// `now`. Valid evidence passes verification and policy and is then refused for ReportDataMismatch:
// its report data was made by someone else's enclave and commits to no WorkerInfo of ours. Invalid
// evidence is refused with the error its verification failure maps to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { ACCEPTABLE_QUOTE_STATUSES, ACCEPTABLE_TCB_STATUSES } from '../../attestation/policy.js';
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from '../../attestation/roots/intelRoots.js';
import { bytesToHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { createDevGenesisConfig } from '../genesis/createDevGenesisConfig.js';
import { createTestChain } from '../testing.js';
import { WorkerStates, Workers } from './storage.js';
import { type Evidence, registryCalls, WORKER_INFO_VERSION, type WorkerInfo } from './types.js';

const VECTORS = new URL('../../../../shared/vectors/attestation/', import.meta.url);

interface Case {
  id: string;
  kind: 'dcap' | 'ias';
  quote?: string;
  collateral?: string;
  report?: string;
  signature?: string;
  signingCert?: string;
  now: number;
  expect: { valid: boolean; because?: string };
  facts?: { teeType?: 'sgx' | 'tdx'; mrEnclave?: string; mrTd?: string };
}

const manifest = JSON.parse(readFileSync(new URL('manifest.json', VECTORS), 'utf8')) as { cases: Case[] };
const read = (path: string) => new Uint8Array(readFileSync(new URL(path, VECTORS)));

function evidenceOf(c: Case): Evidence {
  if (c.kind === 'dcap') {
    const collateral = parseCollateralJson(JSON.parse(readFileSync(new URL(c.collateral!, VECTORS), 'utf8')));
    return { tag: 'Dcap', value: { quote: read(c.quote!), collateral } };
  }
  // The extrinsic carries the raw signature; the header form is its base64.
  const signature = Buffer.from(readFileSync(new URL(c.signature!, VECTORS), 'utf8').trim(), 'base64');
  return { tag: 'Ias', value: { report: read(c.report!), signature, signingCert: read(c.signingCert!) } };
}

function teeOf(c: Case): 'sgx' | 'tdx' {
  return c.kind === 'ias' ? 'sgx' : (c.facts?.teeType ?? 'sgx');
}

/**
 * Submits the case as a registration in block 1 at the case's time, on a chain that trusts Intel's
 * roots only and whose policy admits this evidence's measurement and every acceptable status, so
 * that only verification and the report-data commitment can refuse it.
 */
function submit(c: Case): string {
  const config = createDevGenesisConfig({ chainName: `vectors ${c.id}` });
  config.system.parameters.maxExtrinsicSize = 256 * 1024;
  const tee = teeOf(c);
  config.registry.policy = {
    ...config.registry.policy,
    trustedRoots: [bytesToHex(INTEL_SGX_ROOT_CA_DER), bytesToHex(INTEL_IAS_SIGNING_CA_DER)],
    measurementAllowlist:
      c.facts?.mrTd !== undefined
        ? [{ tee: 'tdx', mrTd: c.facts.mrTd }]
        : c.facts?.mrEnclave !== undefined
          ? [{ tee: 'sgx', mrEnclave: c.facts.mrEnclave }]
          : [],
    acceptedTcbStatuses: [...ACCEPTABLE_TCB_STATUSES],
    acceptedQuoteStatuses: [...ACCEPTABLE_QUOTE_STATUSES],
    // Several of Intel's published IAS samples are debug enclaves; admitting debug here keeps the
    // commitment check, not the debug check, as the one that must refuse them.
    allowDebug: true,
  };
  const chain = createTestChain({ genesisConfig: config });
  const operator = devKeypair('bob');
  const info: WorkerInfo = {
    version: WORKER_INFO_VERSION,
    pubkey: devKeypair('charlie').publicKey,
    ecdhPubkey: new Uint8Array(32).fill(9),
    genesisHash: chain.genesisHash,
    operator: operator.publicKey,
    features: { cores: 8, tee },
    recentBlock: { number: 0, hash: chain.genesisHash },
  };
  const extrinsic = chain.sign(operator, registryCalls.registerWorker(info, evidenceOf(c)));
  const builder = chain.runtime.beginBlock(
    chain.reader,
    {
      number: 1,
      timestamp: BigInt(c.now) * 1000n,
      parentHash: chain.genesisHash,
      author: devKeypair('alice').publicKey,
    },
    chain.genesisHash,
  );
  const result = builder.apply(extrinsic);
  const execution = builder.finish();
  assert.ok(result.included, `${c.id}: not included: ${JSON.stringify(result)}`);
  // Whatever the outcome, no worker may have been written.
  for (const { key } of execution.changes.values()) {
    const text = Buffer.from(key).toString('latin1');
    assert.ok(
      !text.startsWith('registry/Workers/') && !text.startsWith('registry/WorkerStates/'),
      `${c.id} wrote ${text}`,
    );
  }
  assert.equal(Workers.get(chain.reader, info.pubkey), undefined);
  assert.equal(WorkerStates.get(chain.reader, info.pubkey), undefined);
  return result.outcome.ok ? 'ok' : `${result.outcome.error.module}.${result.outcome.error.error}`;
}

// Why each invalid case fails, as the registry names it (manifest `expect.because`).
const INVALID: Record<string, string> = {
  'dcapqvl-tdx-v5-outdated': 'registry.TcbNotSupported',
  'automata-tdx-v5-2': 'registry.TcbNotSupported',
  'integritee-sgx-dump': 'registry.InvalidEvidence',
  'secret-sgx-stale-collateral': 'registry.CollateralExpired',
  neg_bad_crl_sig: 'registry.InvalidEvidence',
  neg_wrong_crl: 'registry.InvalidEvidence',
  'intel-test-pki-sgx': 'registry.MalformedEvidence',
  'intel-test-pki-tdx': 'registry.UntrustedRoot',
};

describe('real Intel evidence submitted as registrations', () => {
  const valid = manifest.cases.filter((c) => c.expect.valid);
  const invalid = manifest.cases.filter((c) => !c.expect.valid);

  test('the manifest has both DCAP and IAS cases, valid and invalid', () => {
    assert.ok(valid.some((c) => c.kind === 'dcap') && valid.some((c) => c.kind === 'ias'));
    assert.deepEqual(invalid.map((c) => c.id).sort(), Object.keys(INVALID).sort());
  });

  for (const c of valid) {
    test(`${c.id} (${c.kind}) verifies, then is refused for ReportDataMismatch`, () => {
      assert.equal(submit(c), 'registry.ReportDataMismatch');
    });
  }

  for (const c of invalid) {
    test(`${c.id} is refused by verification (${c.expect.because})`, () => {
      assert.equal(submit(c), INVALID[c.id]);
    });
  }
});
