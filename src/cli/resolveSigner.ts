// `--key FILE | --dev NAME`: exactly one names the account that signs.
import { DEV_ACCOUNT_NAMES, devKeypair, isDevAccountName } from '../codec/devKeys.js';
import type { Keypair } from '../codec/keys.js';
import { UsageError } from './commands/cliSupport.js';
import { readKeyFile } from './keyFile.js';

export function resolveDevKeypair(name: string): Keypair {
  if (!isDevAccountName(name)) {
    throw new UsageError(
      `--dev: unknown development account "${name}" (one of ${DEV_ACCOUNT_NAMES.join(', ')})`,
    );
  }
  return devKeypair(name);
}

export async function resolveSigner(options: { key?: string; dev?: string }): Promise<Keypair> {
  if ((options.key === undefined) === (options.dev === undefined)) {
    throw new UsageError('name the signing account with exactly one of --key FILE or --dev NAME');
  }
  return options.key !== undefined ? readKeyFile(options.key) : resolveDevKeypair(options.dev!);
}
