// The policy's one JSON form: what genesis, `tx registry set-policy --file` and `registry_getPolicy`
// share, read by policyFromJson and written by policyToJson.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDevGenesisConfig } from '../genesis/createDevGenesisConfig.js';
import { type PolicyJson, PolicyJsonSchema, policyFromJson, policyToJson } from './schemas.js';
import { RegistryPolicyCodec } from './types.js';

const devPolicy = (): PolicyJson => PolicyJsonSchema.parse(createDevGenesisConfig().registry.policy);

describe('the policy JSON form', () => {
  it('reads loose hex and number durations, writes 0x lowercase hex and strings, and reads that back', () => {
    const loose: PolicyJson = {
      ...devPolicy(),
      trustedRoots: devPolicy().trustedRoots.map((hex) => hex.replace(/^0x/, '').toUpperCase()),
      measurementAllowlist: [
        { tee: 'sgx', mrEnclave: 'AB'.repeat(32), minIsvSvn: 3 },
        { tee: 'tdx', mrTd: `0x${'Cd'.repeat(48)}`, rtmr2: '01'.repeat(48) },
      ],
      advisoryAllowlist: ['INTEL-SA-00334'],
      attestationValidityMs: 86_400_000,
      maxIasReportAgeMs: '3600000',
    };
    const policy = policyFromJson(PolicyJsonSchema.parse(loose));
    const written = policyToJson(policy);
    assert.deepEqual(written.measurementAllowlist, [
      { tee: 'sgx', mrEnclave: `0x${'ab'.repeat(32)}`, minIsvSvn: 3 },
      { tee: 'tdx', mrTd: `0x${'cd'.repeat(48)}`, rtmr2: `0x${'01'.repeat(48)}` },
    ]);
    assert.ok(written.trustedRoots.every((hex) => /^0x[0-9a-f]+$/.test(hex)));
    assert.equal(written.attestationValidityMs, '86400000');
    assert.equal(written.maxIasReportAgeMs, '3600000');
    const again = policyFromJson(PolicyJsonSchema.parse(written));
    assert.deepEqual(RegistryPolicyCodec.enc(again), RegistryPolicyCodec.enc(policy));
    assert.deepEqual(policyToJson(again), written);
  });

  it('leaves an absent advisory allowlist absent (any advisory), apart from an empty one (none)', () => {
    const { advisoryAllowlist: _, ...withoutList } = devPolicy();
    assert.equal('advisoryAllowlist' in policyToJson(policyFromJson(withoutList)), false);
    const empty = policyToJson(policyFromJson({ ...withoutList, advisoryAllowlist: [] }));
    assert.deepEqual(empty.advisoryAllowlist, []);
  });

  it('refuses unknown fields, a rule for an unknown TEE, short hex and a status that does not exist', () => {
    const bad: unknown[] = [
      { ...devPolicy(), allowdebug: true },
      { ...devPolicy(), measurementAllowlist: [{ tee: 'sev', mrTd: '00'.repeat(48) }] },
      { ...devPolicy(), measurementAllowlist: [{ tee: 'tdx', mrTd: '00'.repeat(32) }] },
      { ...devPolicy(), measurementAllowlist: [{ tee: 'sgx', mrEnclave: '00'.repeat(32), extra: 1 }] },
      { ...devPolicy(), acceptedTcbStatuses: ['Fine'] },
      { ...devPolicy(), attestationValidityMs: '1.5' },
      { ...devPolicy(), trustedRoots: ['0xzz'] },
    ];
    for (const json of bad)
      assert.equal(PolicyJsonSchema.safeParse(json).success, false, JSON.stringify(json));
  });
});
