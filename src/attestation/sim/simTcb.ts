// The sim PKI's TCB design: which platform SVNs give which TCB status, and the TCB Info / QE
// Identity JSON that says so.
//
// Each status has its own "generation" g, carried in TCB components 01 and 02 for SGX (as CPU
// microcode SVNs are) and in TEE_TCB_SVN byte 2 for TDX (the "TDX Late Microcode Update" component
// in Intel's TDX TCB info). Levels are listed from the highest generation down, so a platform of
// generation g matches exactly the level of generation g (Intel's QVL takes the first level whose
// every SVN the platform meets; "Intel SGX/TDX TCB Info" JSON reference, tcbLevels). A platform of
// generation 1 is below every level: "TCB not supported".
//
// TDX: TEE_TCB_SVN is [TDX module SVN, TDX module major version, generation, 0...]. With a major
// version above 0, Intel's QVL compares TEE_TCB_SVN from byte 2 on against tdxtcbcomponents and looks
// the module SVN up in tdxModuleIdentities "TDX_01"; verifiers that compare all 16 bytes (e.g.
// @phala/dcap-qvl) reach the same level because levels carry [module SVN, 0, g, 0...].
import type { TcbStatus } from '../types.js';

/** A requested TCB outcome: one of Intel's statuses, or a platform below every TCB level. */
export type SimTcbOutcome = TcbStatus | 'NotSupported';

interface SimLevel {
  readonly status: TcbStatus;
  readonly generation: number;
  readonly advisoryIds: readonly string[];
}

/** Advisory IDs chosen to mirror what real levels of each kind carry (SA-00615: SW hardening; SA-00289: configuration). */
const LEVELS: readonly SimLevel[] = [
  { status: 'UpToDate', generation: 8, advisoryIds: [] },
  { status: 'SWHardeningNeeded', generation: 7, advisoryIds: ['INTEL-SA-00615'] },
  { status: 'ConfigurationNeeded', generation: 6, advisoryIds: ['INTEL-SA-00289'] },
  {
    status: 'ConfigurationAndSWHardeningNeeded',
    generation: 5,
    advisoryIds: ['INTEL-SA-00289', 'INTEL-SA-00615'],
  },
  { status: 'OutOfDate', generation: 4, advisoryIds: ['INTEL-SA-00828'] },
  {
    status: 'OutOfDateConfigurationNeeded',
    generation: 3,
    advisoryIds: ['INTEL-SA-00289', 'INTEL-SA-00828'],
  },
  { status: 'Revoked', generation: 2, advisoryIds: ['INTEL-SA-00837'] },
];

const NOT_SUPPORTED_GENERATION = 1;
export const SIM_PCE_SVN = 13;
export const SIM_PCE_ID = Uint8Array.of(0, 0);
/** The TDX module the sim platform runs: TEE_TCB_SVN bytes 0 (SVN) and 1 (major version). */
export const SIM_TDX_MODULE_SVN = 5;
export const SIM_TDX_MODULE_MAJOR = 1;
/** QE SVNs of the sim quoting enclaves and the QE identity levels they meet. */
export const SIM_QE_SVN = { sgx: 8, tdx: 4 } as const;
export const SIM_QE_PROD_ID = { sgx: 1, tdx: 2 } as const;
const TCB_EVALUATION_DATA_NUMBER = 17;
const DAY = 86_400;

export interface SimPlatformTcb {
  /** comp01..comp16 of the PCK certificate's TCB (also its CPUSVN bytes). */
  readonly tcbComponents: readonly number[];
  readonly pceSvn: number;
  /** TDX only: the TD report's TEE_TCB_SVN (16 bytes). */
  readonly teeTcbSvn?: Uint8Array;
}

function generationOf(outcome: SimTcbOutcome): number {
  if (outcome === 'NotSupported') return NOT_SUPPORTED_GENERATION;
  const level = LEVELS.find((l) => l.status === outcome);
  if (!level) throw new RangeError(`unknown TCB status: ${String(outcome)}`);
  return level.generation;
}

function sgxComponents(generation: number): number[] {
  return [generation, generation, 2, 2, 4, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0];
}

function tdxComponents(moduleSvn: number, moduleMajor: number, generation: number): number[] {
  return [moduleSvn, moduleMajor, generation, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}

/** The platform SVNs that produce `outcome` under the sim TCB info. */
export function platformTcbFor(tee: 'sgx' | 'tdx', outcome: SimTcbOutcome): SimPlatformTcb {
  const generation = generationOf(outcome);
  if (tee === 'sgx') return { tcbComponents: sgxComponents(generation), pceSvn: SIM_PCE_SVN };
  // TDX: the SGX side of the platform is current; the outcome comes from TEE_TCB_SVN.
  return {
    tcbComponents: sgxComponents(generationOf('UpToDate')),
    pceSvn: SIM_PCE_SVN,
    teeTcbSvn: Uint8Array.from(tdxComponents(SIM_TDX_MODULE_SVN, SIM_TDX_MODULE_MAJOR, generation)),
  };
}

/** Intel's JSON timestamps: ISO 8601 in UTC, whole seconds ("2025-06-19T10:16:03Z"). */
export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hexUpper(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

function svns(values: readonly number[]): { svn: number }[] {
  return values.map((svn) => ({ svn }));
}

function levelDate(now: number, generation: number): string {
  // Older generations were "released" earlier; dates only inform, the QVL matches on SVNs.
  const dayStart = now - (now % DAY);
  return isoSeconds(dayStart - (LEVELS.length + 1 - generation) * 90 * DAY);
}

export interface SimCollateralTimes {
  readonly issueDate: number;
  readonly nextUpdate: number;
}

/** TCB Info v3 JSON (the signed `tcbInfo` body), for SGX or TDX, as Intel's PCS v4 serves it. */
export function createTcbInfoJson(tee: 'sgx' | 'tdx', fmspc: Uint8Array, times: SimCollateralTimes): string {
  const common = {
    id: tee === 'sgx' ? 'SGX' : 'TDX',
    version: 3,
    issueDate: isoSeconds(times.issueDate),
    nextUpdate: isoSeconds(times.nextUpdate),
    fmspc: hexUpper(fmspc),
    pceId: hexUpper(SIM_PCE_ID),
    tcbType: 0,
    tcbEvaluationDataNumber: TCB_EVALUATION_DATA_NUMBER,
  };
  const upToDate = generationOf('UpToDate');
  const tcbLevels = LEVELS.map((level) => ({
    tcb:
      tee === 'sgx'
        ? { sgxtcbcomponents: svns(sgxComponents(level.generation)), pcesvn: SIM_PCE_SVN }
        : {
            sgxtcbcomponents: svns(sgxComponents(upToDate)),
            pcesvn: SIM_PCE_SVN,
            tdxtcbcomponents: svns(tdxComponents(SIM_TDX_MODULE_SVN, 0, level.generation)),
          },
    tcbDate: levelDate(times.issueDate, level.generation),
    tcbStatus: level.status,
    ...(level.advisoryIds.length > 0 ? { advisoryIDs: [...level.advisoryIds] } : {}),
  }));
  if (tee === 'sgx') return JSON.stringify({ ...common, tcbLevels });
  // The TDX module is signed by Intel with an all-zero MRSIGNER (as in Intel's real TDX TCB info).
  const zeroSigner = '0'.repeat(96);
  const module = { mrsigner: zeroSigner, attributes: '0000000000000000', attributesMask: 'FFFFFFFFFFFFFFFF' };
  const tdxModuleIdentities = [
    {
      id: 'TDX_03',
      ...module,
      tcbLevels: [
        { tcb: { isvsvn: 3 }, tcbDate: levelDate(times.issueDate, upToDate), tcbStatus: 'UpToDate' },
      ],
    },
    {
      id: `TDX_${String(SIM_TDX_MODULE_MAJOR).padStart(2, '0')}`,
      ...module,
      tcbLevels: [
        {
          tcb: { isvsvn: SIM_TDX_MODULE_SVN },
          tcbDate: levelDate(times.issueDate, upToDate),
          tcbStatus: 'UpToDate',
        },
        { tcb: { isvsvn: 2 }, tcbDate: levelDate(times.issueDate, 4), tcbStatus: 'OutOfDate' },
      ],
    },
  ];
  return JSON.stringify({ ...common, tdxModule: module, tdxModuleIdentities, tcbLevels });
}

/** QE Identity v2 JSON (the signed `enclaveIdentity` body): id "QE" for SGX, "TD_QE" for TDX. */
export function createQeIdentityJson(
  tee: 'sgx' | 'tdx',
  qeMrSigner: Uint8Array,
  times: SimCollateralTimes,
): string {
  const upToDate = generationOf('UpToDate');
  const tcbLevels =
    tee === 'sgx'
      ? [
          {
            tcb: { isvsvn: SIM_QE_SVN.sgx },
            tcbDate: levelDate(times.issueDate, upToDate),
            tcbStatus: 'UpToDate',
          },
          {
            tcb: { isvsvn: SIM_QE_SVN.sgx - 2 },
            tcbDate: levelDate(times.issueDate, 4),
            tcbStatus: 'OutOfDate',
            advisoryIDs: ['INTEL-SA-00615'],
          },
        ]
      : [
          {
            tcb: { isvsvn: SIM_QE_SVN.tdx },
            tcbDate: levelDate(times.issueDate, upToDate),
            tcbStatus: 'UpToDate',
          },
        ];
  return JSON.stringify({
    id: tee === 'sgx' ? 'QE' : 'TD_QE',
    version: 2,
    issueDate: isoSeconds(times.issueDate),
    nextUpdate: isoSeconds(times.nextUpdate),
    tcbEvaluationDataNumber: TCB_EVALUATION_DATA_NUMBER,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    // QE attributes as Intel's QE identity states them: INIT | MODE64BIT (PROVISIONKEY masked off).
    attributes: '11000000000000000000000000000000',
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: hexUpper(qeMrSigner),
    isvprodid: tee === 'sgx' ? SIM_QE_PROD_ID.sgx : SIM_QE_PROD_ID.tdx,
    tcbLevels,
  });
}
