// INSECURE: the simulated TEE's PKI for a development network. A dev chain trusts one sim root (its
// genesis names it) and every sim worker must quote under that same PKI, so the PKI's inputs (seed and
// issue time) live in one file in the shared sim machine folder: whoever comes first (the devnet,
// before it builds the genesis) creates it, everyone after reads it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createSimPki, type SimPki } from '../../attestation/sim/index.js';
import { bytesToHex, hexToBytes, utf8 } from '../../codec/bytes.js';
import { writeFileExclusive } from '../enclave/writeFileExclusive.js';
import { WorkerError } from './errors.js';

export const SIM_PKI_FILE = 'sim-pki.json';
/** A year: a development chain should not stop registering workers because sim collateral aged. */
const DEV_SIM_VALIDITY_SECONDS = 365 * 86_400;

const SimPkiFileSchema = z.strictObject({
  seed: z.string().regex(/^0x([0-9a-f]{2}){16,64}$/),
  now: z.number().int().min(0),
  validitySeconds: z.number().int().min(1),
});

/** The sim PKI of `machineDir`, creating its parameters (random seed, issued at `nowSeconds`) once. */
export function loadOrCreateSimPki(machineDir: string, nowSeconds: number): SimPki {
  const path = join(machineDir, SIM_PKI_FILE);
  const fresh = {
    seed: bytesToHex(new Uint8Array(randomBytes(32))),
    // Issued a minute back, so a chain whose clock is a little behind still finds it valid.
    now: Math.max(0, Math.floor(nowSeconds) - 60),
    validitySeconds: DEV_SIM_VALIDITY_SECONDS,
  };
  try {
    mkdirSync(machineDir, { recursive: true, mode: 0o700 });
    writeFileExclusive(
      path,
      utf8(`${JSON.stringify({ ...fresh, seed: `0x${fresh.seed}` }, null, 2)}\n`),
      0o600,
    );
  } catch (cause) {
    throw new WorkerError('InvalidConfig', `cannot create the sim PKI file ${path}`, { path }, { cause });
  }
  let parsed: z.infer<typeof SimPkiFileSchema>;
  try {
    parsed = SimPkiFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (cause) {
    throw new WorkerError('InvalidConfig', `${path} is not a sim PKI file`, { path }, { cause });
  }
  return createSimPki({
    seed: hexToBytes(parsed.seed),
    now: parsed.now,
    validitySeconds: parsed.validitySeconds,
  });
}
