// Intel's convergence and TDX module rules (QVL TcbLevelCheck.cpp, TdxModuleCheck.cpp), on small
// hand-built TCB infos; the real vectors exercise the same code end to end in verifyQuote.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converge, evaluateTcb, tdxModuleIdentityId } from './evaluateTcb.js';
import type { TcbInfo, TcbLevel } from './parseTcbInfo.js';

const zero16 = Array.from({ length: 16 }, () => 0);
const level = (
  sgx: number,
  tdx: number[],
  status: TcbLevel['status'],
  advisoryIds: string[] = [],
): TcbLevel => ({
  sgxComponents: [sgx, ...zero16.slice(1)],
  pceSvn: 10,
  tdxComponents: [...tdx, ...zero16.slice(tdx.length)],
  status,
  advisoryIds,
});
const tdxInfo = (levels: TcbLevel[]): TcbInfo => ({
  id: 'TDX',
  version: 3,
  issueDate: 0,
  nextUpdate: 1,
  fmspc: new Uint8Array(6),
  pceId: new Uint8Array(2),
  tcbEvaluationDataNumber: 17,
  tcbLevels: levels,
  tdxModule: {
    mrSigner: new Uint8Array(48),
    attributes: new Uint8Array(8),
    attributesMask: new Uint8Array(8),
  },
  tdxModuleIdentities: [
    {
      id: 'TDX_01',
      mrSigner: new Uint8Array(48),
      attributes: new Uint8Array(8),
      attributesMask: new Uint8Array(8),
      tcbLevels: [
        { isvSvn: 4, status: 'UpToDate', advisoryIds: [] },
        { isvSvn: 2, status: 'OutOfDate', advisoryIds: ['INTEL-SA-00999'] },
      ],
    },
  ],
});
const upToDateQe = { isvSvn: 8, status: 'UpToDate', advisoryIds: [] } as const;
const svn = (bytes: number[]) => Uint8Array.from([...bytes, ...zero16.slice(bytes.length)]);

describe('evaluateTcb', () => {
  it('converges a component status with the platform status as Intel does', () => {
    assert.equal(converge('UpToDate', 'OutOfDate'), 'OutOfDate');
    assert.equal(converge('SWHardeningNeeded', 'OutOfDate'), 'OutOfDate');
    assert.equal(converge('ConfigurationNeeded', 'OutOfDate'), 'OutOfDateConfigurationNeeded');
    assert.equal(converge('ConfigurationAndSWHardeningNeeded', 'OutOfDate'), 'OutOfDateConfigurationNeeded');
    assert.equal(
      converge('ConfigurationAndSWHardeningNeeded', 'UpToDate'),
      'ConfigurationAndSWHardeningNeeded',
    );
    assert.equal(converge('OutOfDate', 'Revoked'), 'Revoked');
  });

  it('names TDX module identities TDX_ and two upper-case hex digits', () => {
    assert.equal(tdxModuleIdentityId(1), 'TDX_01');
    assert.equal(tdxModuleIdentityId(0x1a), 'TDX_1A');
  });

  it('skips TEE_TCB_SVN bytes 0 and 1 when the module major version is set, judging the module by its identity', () => {
    const info = tdxInfo([
      level(2, [9, 9, 3], 'UpToDate'),
      level(1, [0, 0, 1], 'OutOfDate', ['INTEL-SA-00001']),
    ]);
    const base = { tcbInfo: info, quoteVersion: 4, pckComponents: [2, ...zero16.slice(1)], pckPceSvn: 10 };
    // Module SVN 5 (>= 4: UpToDate), major 1: components 0-1 are not compared with 9, 9.
    assert.deepEqual(evaluateTcb({ ...base, teeTcbSvn: svn([5, 1, 3]), qeLevel: upToDateQe }), {
      status: 'UpToDate',
      advisoryIds: [],
    });
    // Module SVN 3 matches the identity's OutOfDate level: the platform becomes OutOfDate with its advisory.
    assert.deepEqual(evaluateTcb({ ...base, teeTcbSvn: svn([3, 1, 3]), qeLevel: upToDateQe }), {
      status: 'OutOfDate',
      advisoryIds: ['INTEL-SA-00999'],
    });
    // Module SVN below every identity level: not supported.
    assert.throws(() => evaluateTcb({ ...base, teeTcbSvn: svn([1, 1, 3]), qeLevel: upToDateQe }), {
      code: 'TcbNotSupported',
    });
    // No identity for major version 2.
    assert.throws(() => evaluateTcb({ ...base, teeTcbSvn: svn([5, 2, 3]), qeLevel: upToDateQe }), {
      code: 'TdxModuleMismatch',
    });
    // Major version 0 in a v4 quote: all 16 components compared, no module identity.
    assert.deepEqual(evaluateTcb({ ...base, teeTcbSvn: svn([0, 0, 2]), qeLevel: upToDateQe }), {
      status: 'OutOfDate',
      advisoryIds: ['INTEL-SA-00001'],
    });
  });

  it('merges the QE status and advisories, sorted, and rejects revoked or unmatched TCBs', () => {
    const info = {
      ...tdxInfo([level(2, [0], 'ConfigurationNeeded', ['INTEL-SA-00615'])]),
      id: 'SGX' as const,
    };
    const base = { tcbInfo: info, quoteVersion: 3, pckComponents: [2, ...zero16.slice(1)], pckPceSvn: 10 };
    const qeOutOfDate = { isvSvn: 6, status: 'OutOfDate', advisoryIds: ['INTEL-SA-00289'] } as const;
    assert.deepEqual(evaluateTcb({ ...base, qeLevel: qeOutOfDate }), {
      status: 'OutOfDateConfigurationNeeded',
      advisoryIds: ['INTEL-SA-00289', 'INTEL-SA-00615'],
    });
    assert.throws(() => evaluateTcb({ ...base, qeLevel: { ...qeOutOfDate, status: 'Revoked' } }), {
      code: 'TcbRevoked',
    });
    assert.throws(() => evaluateTcb({ ...base, pckPceSvn: 9, qeLevel: upToDateQe }), {
      code: 'TcbNotSupported',
    });
  });
});
