import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { DEV_ACCOUNT_NAMES, devKeypair } from '../../codec/devKeys.js';
import { createRuntime, type GenesisConfig, GenesisError } from '../index.js';
import { createMapReader } from '../support/overlay.js';
import { applyChanges } from '../testing.js';
import { createDevGenesisConfig, DEV_ENDOWMENT } from './createDevGenesisConfig.js';

const runtime = createRuntime();

function build(config: unknown) {
  const state = new Map<string, Uint8Array>();
  applyChanges(state, runtime.buildGenesisState(config));
  return createMapReader(state);
}

function assertGenesisError(
  mutate: (config: GenesisConfig & Record<string, unknown>) => void,
  field: RegExp,
): void {
  const config = structuredClone(createDevGenesisConfig()) as GenesisConfig & Record<string, unknown>;
  mutate(config);
  assert.throws(
    () => runtime.buildGenesisState(config),
    (error: unknown) => {
      assert.ok(error instanceof GenesisError, String(error));
      assert.match(error.message, field);
      return true;
    },
  );
}

describe('buildGenesisState', () => {
  it('builds the dev chain: funded dev accounts, alice as sudo and authority', () => {
    const state = build(createDevGenesisConfig());
    const { queries } = runtime;
    for (const name of DEV_ACCOUNT_NAMES) {
      assert.deepEqual(queries.getAccount(state, devKeypair(name).publicKey), {
        free: DEV_ENDOWMENT,
        reserved: 0n,
        nonce: 0,
      });
    }
    assert.equal(queries.getTotalIssuance(state), DEV_ENDOWMENT * BigInt(DEV_ACCOUNT_NAMES.length));
    assert.deepEqual(queries.getAuthorities(state), [devKeypair('alice').publicKey]);
    assert.deepEqual(queries.getSudoKey(state), devKeypair('alice').publicKey);
    assert.equal(queries.getChainName(state), 'Phalanx Development');
  });

  it('accepts accounts as 0x-hex keys as well as addresses, and amounts as safe integers', () => {
    const config = createDevGenesisConfig();
    const key = devKeypair('ferdie').publicKey;
    config.balances.accounts = [{ account: toHex(key), free: 10_000_000_000 }];
    assert.equal(runtime.queries.getAccount(build(config), key).free, 10_000_000_000n);
  });

  it('is deterministic: the same config gives the same changes in the same order', () => {
    const a = runtime.buildGenesisState(createDevGenesisConfig());
    const b = createRuntime().buildGenesisState(createDevGenesisConfig());
    assert.deepEqual([...a], [...b]);
  });

  it('names the field of every problem in a GenesisError', () => {
    assertGenesisError((c) => {
      c.system.authorities = [];
    }, /system\.authorities: /);
    assertGenesisError((c) => {
      c.system.authorities = ['phx1notanaddress'];
    }, /system\.authorities\[0\]: not a phx1 address/);
    assertGenesisError((c) => {
      c.balances.accounts[1]!.free = '12.5';
    }, /balances\.accounts\[1\]\.free: /);
    assertGenesisError((c) => {
      c.balances.accounts[2]!.free = '1';
    }, /balances\.accounts\[2\]\.free: below the existential deposit/);
    assertGenesisError((c) => {
      c.balances.accounts.push({ ...c.balances.accounts[0]! });
    }, /balances\.accounts\[6\]\.account: duplicate account/);
    assertGenesisError((c) => {
      c.balances.accounts[0]!.free = (2n ** 128n).toString();
    }, /balances\.accounts\[0\]\.free: /);
    assertGenesisError((c) => {
      c.system.parameters.maxExtrinsicSize = 10;
    }, /system\.parameters: maxExtrinsicSize/);
    assertGenesisError((c) => {
      c.extra = {};
    }, /extra|Unrecognized/);
    assertGenesisError((c) => {
      delete (c as Partial<GenesisConfig>).governance;
    }, /governance/);
    assertGenesisError((c) => {
      c.governance.sudoKey = encodeAddress(new Uint8Array(32)).slice(0, -1);
    }, /governance\.sudoKey: not a phx1 address/);
  });

  it('refuses a config that is not an object', () => {
    assert.throws(() => runtime.buildGenesisState(null), GenesisError);
    assert.throws(() => runtime.buildGenesisState('{}'), GenesisError);
  });
});
