// Things that are consensus and must not change by accident: error codes (append-only lists),
// storage key layout, the treasury account and the dev keys. A failure here means a change that
// breaks every existing chain; if it is intended, it is a new chain (or a migration), not an edit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex, utf8 } from '../codec/bytes.js';
import { devKeypair, devSeed } from '../codec/devKeys.js';
import { blake2b256 } from '../codec/hash.js';
import { Accounts } from './balances/storage.js';
import { TREASURY_ACCOUNT } from './balances/types.js';
import { MODULES } from './modules.js';
import { listErrors } from './support/errors.js';

describe('consensus constants', () => {
  it('keeps every error of system, balances and governance at its code', () => {
    const mine = MODULES.filter((module) => ['system', 'balances', 'governance'].includes(module.name));
    const codes = Object.fromEntries(
      mine.map((module) => [module.name, listErrors(module.errors).map((e) => `${e.code}:${e.error}`)]),
    );
    assert.deepEqual(codes, {
      system: [
        '0:UnknownCall',
        '1:BadOrigin',
        '2:MalformedCall',
        '3:InvalidParameters',
        '4:InvalidAuthorities',
      ],
      balances: ['0:InsufficientBalance', '1:BelowExistentialDeposit', '2:Overflow', '3:KeepAlive'],
      governance: ['0:RequireSudo'],
    });
  });

  it('keeps the module order, the storage layout and the treasury account', () => {
    // Later modules read system's parameters and move money through balances in their genesis.
    assert.deepEqual(
      MODULES.slice(0, 3).map((m) => m.name),
      ['system', 'balances', 'governance'],
    );
    assert.equal(Buffer.from(Accounts.prefix).toString(), 'balances/Accounts/');
    assert.equal(toHex(TREASURY_ACCOUNT), toHex(blake2b256(utf8('phalanx/module-accounttreasury'))));
  });

  it('derives dev keys as blake2b256("phalanx-dev/" + name)', () => {
    assert.deepEqual(devSeed('alice'), blake2b256(utf8('phalanx-dev/alice')));
    assert.equal(devKeypair('alice'), devKeypair('alice'));
    assert.notDeepEqual(devKeypair('alice').publicKey, devKeypair('bob').publicKey);
  });
});
