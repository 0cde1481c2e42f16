// Key files: `{ type, address, publicKey, secretSeed }` as JSON, written owner-only (0600) and never
// over an existing file. Reading checks the shape and that the address and public key are the ones
// the seed gives, so a hand-edited or mixed-up file is caught before it signs anything.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { encodeAddress } from '../codec/address.js';
import { equalBytes, hexToBytes, toHex } from '../codec/bytes.js';
import { ed25519FromSeed, type Keypair } from '../codec/keys.js';
import { UsageError } from './commands/cliSupport.js';

const Hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected 32 bytes of 0x-hex');

export const KeyFileSchema = z.object({
  type: z.literal('ed25519'),
  address: z.string(),
  publicKey: Hex32,
  secretSeed: Hex32,
});
export type KeyFile = z.infer<typeof KeyFileSchema>;

export function toKeyFile(keypair: Keypair): KeyFile {
  return {
    type: 'ed25519',
    address: encodeAddress(keypair.publicKey),
    publicKey: toHex(keypair.publicKey),
    secretSeed: toHex(keypair.secretSeed),
  };
}

export async function writeKeyFile(path: string, keypair: Keypair): Promise<void> {
  try {
    // `wx`: fail if it exists; a key file overwritten is a key lost.
    await writeFile(path, `${JSON.stringify(toKeyFile(keypair), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists; refusing to overwrite a key file`);
    throw new UsageError(`cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}

export async function readKeyFile(path: string): Promise<Keypair> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read key file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`key file ${path} is not JSON`);
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`key file ${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message}`);
  }
  const keypair = ed25519FromSeed(hexToBytes(parsed.data.secretSeed));
  if (!equalBytes(keypair.publicKey, hexToBytes(parsed.data.publicKey))) {
    throw new UsageError(`key file ${path}: publicKey does not belong to secretSeed`);
  }
  const address = encodeAddress(keypair.publicKey);
  if (parsed.data.address !== address) {
    throw new UsageError(
      `key file ${path}: address ${parsed.data.address} does not match the key (${address})`,
    );
  }
  return keypair;
}
