// TCB levels are matched in Intel's order, not the JSON's (QVL keeps them in a std::set ordered by
// TcbLevel::operator>, TcbLevel.cpp), so the same levels listed in any order give the same status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCollateralJson } from '../collateral.js';
import { type AttestationErrorCode, isAttestationError } from '../errors.js';
import { createSimPki, type SimCollateral } from '../sim/createSimPki.js';
import { createSimQuote } from '../sim/createSimQuote.js';
import type { SimTcbOutcome } from '../sim/simTcb.js';
import { tcbSigner, withTcbInfo } from '../sim/testing.js';
import { TCB_STATUSES } from '../types.js';
import { evaluateTcb } from './evaluateTcb.js';
import { parseTcbInfo } from './parseTcbInfo.js';
import { verifyQuote } from './verifyQuote.js';

const svns = (values: readonly number[]) => Array.from({ length: 16 }, (_, i) => ({ svn: values[i] ?? 0 }));

interface LevelSpec {
  readonly sgx: readonly number[];
  readonly pceSvn: number;
  readonly tdx: readonly number[];
  readonly status: (typeof TCB_STATUSES)[number];
}

function tcbInfoJson(id: 'SGX' | 'TDX', levels: readonly LevelSpec[]): string {
  const module = { mrsigner: '0'.repeat(96), attributes: '0'.repeat(16), attributesMask: 'F'.repeat(16) };
  return JSON.stringify({
    id,
    version: 3,
    issueDate: '2025-01-01T00:00:00Z',
    nextUpdate: '2025-02-01T00:00:00Z',
    fmspc: '00906ED50000',
    pceId: '0000',
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    ...(id === 'TDX' ? { tdxModule: module } : {}),
    tcbLevels: levels.map((l) => ({
      tcb: {
        sgxtcbcomponents: svns(l.sgx),
        pcesvn: l.pceSvn,
        ...(id === 'TDX' ? { tdxtcbcomponents: svns(l.tdx) } : {}),
      },
      tcbDate: '2024-01-01T00:00:00Z',
      tcbStatus: l.status,
      // An advisory naming the level, so that matching another level shows even under the same status.
      advisoryIDs: [`SA-${l.sgx.join('.')}-${l.pceSvn}-${l.tdx.join('.')}`],
    })),
  });
}

/** The verdict, or the code it is refused with: what a shuffle must not change. */
function verdictOf(json: string, platform: { sgx: number[]; pceSvn: number; tdx: number[] }): string {
  try {
    const verdict = evaluateTcb({
      tcbInfo: parseTcbInfo(json),
      quoteVersion: 4,
      pckComponents: svns(platform.sgx).map((c) => c.svn),
      pckPceSvn: platform.pceSvn,
      // TEE_TCB_SVN byte 1 (TDX module major version) 0: no module identity is consulted.
      ...(json.includes('"TDX"') ? { teeTcbSvn: Uint8Array.from(svns(platform.tdx).map((c) => c.svn)) } : {}),
      qeLevel: { isvSvn: 0, status: 'UpToDate', advisoryIds: [] },
    });
    return `${verdict.status} ${verdict.advisoryIds.join(',')}`;
  } catch (error) {
    if (isAttestationError(error)) return error.code;
    throw error;
  }
}

// Few values per component, so that a platform often meets several levels with different statuses.
const small = fc.integer({ min: 0, max: 3 });
const levelSpec = fc.record({
  sgx: fc.array(small, { minLength: 2, maxLength: 2 }),
  pceSvn: fc.integer({ min: 0, max: 2 }),
  tdx: fc.tuple(fc.constant(0), fc.constant(0), small, small),
  status: fc.constantFrom(...TCB_STATUSES),
});
const platform = fc.record({
  sgx: fc.array(small, { minLength: 2, maxLength: 2 }),
  pceSvn: fc.integer({ min: 0, max: 2 }),
  tdx: fc.tuple(fc.constant(0), fc.constant(0), small, small),
});

function levelsAndShuffle(id: 'SGX' | 'TDX') {
  // Keys unique under Intel's order (duplicates are refused, tested apart).
  const key = (l: LevelSpec) => `${l.sgx}/${l.pceSvn}${id === 'TDX' ? `/${l.tdx}` : ''}`;
  return fc
    .uniqueArray(levelSpec, { selector: key, minLength: 1, maxLength: 8 })
    .chain((levels) =>
      fc.tuple(
        fc.constant(levels),
        fc.shuffledSubarray(levels, { minLength: levels.length, maxLength: levels.length }),
      ),
    );
}

describe('TCB levels are matched in Intel order, whatever the JSON order', () => {
  for (const id of ['SGX', 'TDX'] as const) {
    it(`gives a platform the same verdict from a ${id} TCB info and from the same levels shuffled`, () => {
      fc.assert(
        fc.property(levelsAndShuffle(id), platform, ([levels, shuffled], p) => {
          assert.equal(verdictOf(tcbInfoJson(id, shuffled), p), verdictOf(tcbInfoJson(id, levels), p));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('orders by SGX components first (component 01 first), then PCESVN, then TDX components', () => {
    const levels: LevelSpec[] = [
      { sgx: [1, 9], pceSvn: 9, tdx: [0, 0, 9], status: 'OutOfDate' },
      { sgx: [2, 0], pceSvn: 0, tdx: [0, 0, 0], status: 'UpToDate' },
      { sgx: [1, 9], pceSvn: 9, tdx: [0, 0, 10], status: 'SWHardeningNeeded' },
      { sgx: [1, 9], pceSvn: 10, tdx: [0, 0, 0], status: 'ConfigurationNeeded' },
    ];
    const ordered = parseTcbInfo(tcbInfoJson('TDX', levels)).tcbLevels.map((l) => l.status);
    assert.deepEqual(ordered, ['UpToDate', 'ConfigurationNeeded', 'SWHardeningNeeded', 'OutOfDate']);
  });

  it('refuses a TCB info that lists the same level twice, as Intel does', () => {
    const level: LevelSpec = { sgx: [3, 3], pceSvn: 2, tdx: [0, 0, 1], status: 'UpToDate' };
    for (const id of ['SGX', 'TDX'] as const) {
      assert.throws(
        () => parseTcbInfo(tcbInfoJson(id, [level, { ...level, status: 'OutOfDate' }])),
        (error: unknown) => isAttestationError(error) && error.code === 'TcbInfoInvalid',
      );
    }
    // In an SGX TCB info the TDX components do not tell levels apart.
    assert.throws(() => parseTcbInfo(tcbInfoJson('SGX', [level, { ...level, tdx: [0, 0, 2] }])), {
      code: 'TcbInfoInvalid',
    });
    assert.equal(parseTcbInfo(tcbInfoJson('TDX', [level, { ...level, tdx: [0, 0, 2] }])).tcbLevels.length, 2);
  });
});

describe('sim quotes under a TCB info whose levels are listed lowest first', () => {
  const NOW = 1_750_000_000;
  const pki = createSimPki({ seed: new TextEncoder().encode('orderTcbLevels.test'), now: NOW });
  const reportData = new Uint8Array(64).fill(1);

  /** The sim TCB info with its levels (and TDX module identity levels) reversed, re-signed by the TCB signer. */
  function reversed(collateral: SimCollateral): SimCollateral {
    const body = JSON.parse(collateral.tcb_info);
    body.tcbLevels.reverse();
    for (const identity of body.tdxModuleIdentities ?? []) identity.tcbLevels.reverse();
    return withTcbInfo(collateral, JSON.stringify(body), tcbSigner(pki));
  }

  function statusOf(tee: 'sgx' | 'tdx', tcbStatus: SimTcbOutcome, reverse: boolean): string {
    const { quote, collateral } = createSimQuote(pki, { tee, reportData, tcbStatus });
    try {
      const at = NOW + 60;
      const used = reverse ? reversed(collateral) : collateral;
      return verifyQuote(quote, parseCollateralJson(used), { trusted: { roots: [pki.rootCertDer] }, at })
        .tcbStatus as string;
    } catch (error) {
      if (isAttestationError(error)) return error.code as AttestationErrorCode;
      throw error;
    }
  }

  for (const tee of ['sgx', 'tdx'] as const) {
    it(`gives each ${tee} platform the status it has under the sim's own order`, () => {
      for (const status of [...TCB_STATUSES, 'NotSupported'] as const) {
        const expected = statusOf(tee, status, false);
        assert.equal(
          expected,
          status === 'Revoked' ? 'TcbRevoked' : status === 'NotSupported' ? 'TcbNotSupported' : status,
        );
        assert.equal(statusOf(tee, status, true), expected, `${tee} ${status}`);
      }
    });
  }
});
