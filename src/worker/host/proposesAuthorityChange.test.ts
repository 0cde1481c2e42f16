import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Call, signExtrinsic } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { balancesCalls } from '../../runtime/balances/types.js';
import { GOVERNANCE, governanceCalls } from '../../runtime/governance/types.js';
import { systemCalls } from '../../runtime/system/types.js';
import { proposesAuthorityChange } from './proposesAuthorityChange.js';

const alice = devKeypair('alice');
const bob = devKeypair('bob').publicKey;

function extrinsic(call: Call): Uint8Array {
  return signExtrinsic({
    genesisHash: new Uint8Array(32),
    signerSeed: alice.secretSeed,
    signer: alice.publicKey,
    nonce: 0,
    call,
  });
}

describe('proposesAuthorityChange', () => {
  it('finds system.setAuthorities inside governance.sudo among other extrinsics', () => {
    const transfer = extrinsic(balancesCalls.transfer({ dest: bob, amount: 1n }));
    const change = extrinsic(governanceCalls.sudo(systemCalls.setAuthorities([bob])));
    assert.equal(proposesAuthorityChange([transfer, change]), true);
  });

  it('says no for blocks without it: empty, transfers, other governance calls', () => {
    const parameters = { flatFee: 1n, existentialDeposit: 1n, maxExtrinsicSize: 65536 };
    assert.equal(proposesAuthorityChange([]), false);
    assert.equal(
      proposesAuthorityChange([
        extrinsic(balancesCalls.transfer({ dest: bob, amount: 1n })),
        extrinsic(governanceCalls.sudo(systemCalls.setParameters(parameters))),
        extrinsic(governanceCalls.setSudoKey(bob)),
      ]),
      false,
    );
  });

  it('says maybe (true) for what it cannot read: undecodable extrinsics or sudo arguments, deep nesting', () => {
    assert.equal(proposesAuthorityChange([Uint8Array.of(1, 2, 3)]), true);
    assert.equal(
      proposesAuthorityChange([extrinsic({ module: GOVERNANCE, call: 'sudo', args: Uint8Array.of(9) })]),
      true,
    );
    let nested = systemCalls.remark(new Uint8Array());
    for (let i = 0; i < 6; i++) nested = governanceCalls.sudo(nested);
    assert.equal(proposesAuthorityChange([extrinsic(nested)]), true);
    assert.equal(proposesAuthorityChange([extrinsic(governanceCalls.sudo(nested))]), true);
    assert.equal(
      proposesAuthorityChange([
        extrinsic(governanceCalls.sudo(governanceCalls.sudo(systemCalls.remark(new Uint8Array())))),
      ]),
      false,
    );
  });
});
