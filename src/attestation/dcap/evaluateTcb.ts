// TCB evaluation as Intel's Quote Verification Library does it (QVL TcbLevelCheck.cpp and
// TdxModuleCheck.cpp; Intel "ECDSA Quote Verification" spec section 4.1.2.4.17): pick the first TCB
// level the platform meets, for TDX also the TDX components and the TDX module identity, then
// converge the platform status with the TDX module's and the QE's. "First" is in Intel's order, in
// which parseTcbInfo hands the levels over (orderTcbLevels.ts); QE identity levels keep the JSON's
// order, as QVL keeps them (EnclaveIdentityV2::getTcbStatus walks a vector).
import { AttestationError } from '../errors.js';
import type { TcbStatus } from '../types.js';
import type { QeIdentity, QeTcbLevel } from './parseQeIdentity.js';
import type { TcbInfo, TcbLevel, TdxModule, TdxModuleIdentity } from './parseTcbInfo.js';

export interface TcbVerdict {
  readonly status: Exclude<TcbStatus, 'Revoked'>;
  readonly advisoryIds: readonly string[];
}

/** The QE's level: the first whose ISVSVN the QE meets (QVL EnclaveReportVerifier, 4.1.2.9.7). */
export function matchQeTcbLevel(identity: QeIdentity, isvSvn: number): QeTcbLevel {
  const level = identity.tcbLevels.find((l) => isvSvn >= l.isvSvn);
  if (level === undefined) {
    throw new AttestationError(
      'TcbNotSupported',
      `QE ISVSVN ${isvSvn} is below every QE identity TCB level`,
      {
        isvSvn,
      },
    );
  }
  return level;
}

/** `TDX_` followed by the module major version as two upper-case hex digits (TdxModuleCheck.cpp). */
export function tdxModuleIdentityId(majorVersion: number): string {
  return `TDX_${majorVersion.toString(16).toUpperCase().padStart(2, '0')}`;
}

export function findTdxModuleIdentity(tcbInfo: TcbInfo, majorVersion: number): TdxModuleIdentity | undefined {
  const id = tdxModuleIdentityId(majorVersion);
  return tcbInfo.tdxModuleIdentities?.find((m) => m.id.toUpperCase() === id);
}

/**
 * The TDX module whose MRSIGNER and attributes the quote's SEAM must match (QVL QuoteVerifier.cpp,
 * 4.1.2.4.11): the TCB info's `tdxModule`, replaced by the module identity for the quote's module
 * major version when that version (TEE_TCB_SVN[1]) is non-zero in a v4+ quote.
 */
export function expectedTdxModule(tcbInfo: TcbInfo, quoteVersion: number, teeTcbSvn: Uint8Array): TdxModule {
  const major = teeTcbSvn[1]!;
  if (quoteVersion > 3 && major > 0) {
    const identity = findTdxModuleIdentity(tcbInfo, major);
    if (identity === undefined) {
      throw new AttestationError(
        'TdxModuleMismatch',
        `TCB info has no ${tdxModuleIdentityId(major)} identity`,
        {
          major,
        },
      );
    }
    return identity;
  }
  if (tcbInfo.tdxModule === undefined)
    throw new AttestationError('TcbInfoInvalid', 'TCB info has no tdxModule', {});
  return tcbInfo.tdxModule;
}

export interface TcbInput {
  readonly tcbInfo: TcbInfo;
  readonly quoteVersion: number;
  /** From the PCK certificate's SGX extension. */
  readonly pckComponents: readonly number[];
  readonly pckPceSvn: number;
  /** TDX quotes only. */
  readonly teeTcbSvn?: Uint8Array;
  readonly qeLevel: QeTcbLevel;
}

export function evaluateTcb(input: TcbInput): TcbVerdict {
  const { tcbInfo, teeTcbSvn } = input;
  const isTdx = tcbInfo.version >= 3 && tcbInfo.id === 'TDX' && teeTcbSvn !== undefined;
  let sgxLevel: TcbLevel | undefined;
  let tdxLevel: TcbLevel | undefined;
  for (const level of tcbInfo.tcbLevels) {
    if (!sgxMeets(input.pckComponents, input.pckPceSvn, level)) continue;
    if (!isTdx) {
      sgxLevel = level;
      break;
    }
    sgxLevel ??= level;
    if (tdxMeets(teeTcbSvn, level)) {
      tdxLevel = level;
      break;
    }
  }
  if (sgxLevel === undefined) {
    throw new AttestationError('TcbNotSupported', 'no TCB level in the TCB info matches the platform', {
      pceSvn: input.pckPceSvn,
      components: input.pckComponents,
    });
  }
  const advisories = new Set<string>(input.qeLevel.advisoryIds);
  let status: TcbStatus;
  if (!isTdx) {
    status = sgxLevel.status;
    for (const id of sgxLevel.advisoryIds) advisories.add(id);
  } else {
    if (tdxLevel === undefined) {
      throw new AttestationError(
        'TcbNotSupported',
        'no TCB level in the TCB info matches the TD (TEE_TCB_SVN)',
        {
          teeTcbSvn: Array.from(teeTcbSvn),
        },
      );
    }
    for (const id of tdxLevel.advisoryIds) advisories.add(id);
    status = tdxLevel.status;
    const moduleLevel = matchTdxModuleLevel(tcbInfo, input.quoteVersion, teeTcbSvn);
    if (moduleLevel !== undefined) {
      for (const id of moduleLevel.advisoryIds) advisories.add(id);
      status = converge(status, moduleLevel.status);
    }
  }
  status = converge(status, input.qeLevel.status);
  if (status === 'Revoked') {
    throw new AttestationError('TcbRevoked', 'the platform, TDX module or QE TCB is revoked', {});
  }
  return { status, advisoryIds: [...advisories].sort() };
}

function sgxMeets(components: readonly number[], pceSvn: number, level: TcbLevel): boolean {
  for (let i = 0; i < 16; i++) if (components[i]! < level.sgxComponents[i]!) return false;
  return pceSvn >= level.pceSvn;
}

/**
 * TEE_TCB_SVN against the level's TDX components. With a TDX module major version (byte 1) above
 * zero, bytes 0 and 1 (module SVN and version) are judged by the module identity instead, so they are
 * skipped here (TcbLevelCheck.cpp isTdxTcbHigherOrEqual).
 */
function tdxMeets(teeTcbSvn: Uint8Array, level: TcbLevel): boolean {
  const components = level.tdxComponents;
  if (components === undefined) return false;
  for (let i = teeTcbSvn[1]! > 0 ? 2 : 0; i < 16; i++) if (teeTcbSvn[i]! < components[i]!) return false;
  return true;
}

/** Undefined when the module is not separately evaluated (v4+ quote, TDX module major version 0). */
function matchTdxModuleLevel(tcbInfo: TcbInfo, quoteVersion: number, teeTcbSvn: Uint8Array) {
  const major = teeTcbSvn[1]!;
  if (quoteVersion > 3 && major === 0) return undefined;
  const identity = findTdxModuleIdentity(tcbInfo, major);
  if (identity === undefined) {
    throw new AttestationError(
      'TdxModuleMismatch',
      `TCB info has no ${tdxModuleIdentityId(major)} identity`,
      {
        major,
      },
    );
  }
  const level = identity.tcbLevels.find((l) => teeTcbSvn[0]! >= l.isvSvn);
  if (level === undefined) {
    throw new AttestationError(
      'TcbNotSupported',
      `TDX module SVN ${teeTcbSvn[0]} is below every ${identity.id} level`,
      {
        svn: teeTcbSvn[0],
      },
    );
  }
  return level;
}

/**
 * A component (QE or TDX module) that is OutOfDate makes the platform OutOfDate, keeping a
 * configuration-needed verdict; a Revoked component revokes (QVL convergeTcbStatusWithQeTcbStatus,
 * convergeTcbStatusWithTdxModuleStatus).
 */
export function converge(platform: TcbStatus, component: 'UpToDate' | 'OutOfDate' | 'Revoked'): TcbStatus {
  if (component === 'Revoked') return 'Revoked';
  if (component === 'OutOfDate') {
    if (platform === 'UpToDate' || platform === 'SWHardeningNeeded') return 'OutOfDate';
    if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded') {
      return 'OutOfDateConfigurationNeeded';
    }
  }
  return platform;
}
