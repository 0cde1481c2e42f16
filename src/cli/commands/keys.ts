// `phalanx keys generate|inspect`: ed25519 account keys in key files (see ../keyFile.ts).
import type { Command } from 'commander';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { generateEd25519, type Keypair } from '../../codec/keys.js';
import { readKeyFile, toKeyFile, writeKeyFile } from '../keyFile.js';
import { runAction, toJsonText } from '../output.js';
import { resolveDevKeypair } from '../resolveSigner.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';

export interface KeysGenerateOptions {
  out?: string;
  json?: boolean;
}

export async function runKeysGenerate(options: KeysGenerateOptions, io: OutputSink): Promise<number> {
  return runAction(io, async () => {
    const keypair = generateEd25519();
    if (options.out === undefined) {
      // No file: the whole key, secret included, goes to stdout (the caller asked for it).
      io.out(options.json ? toJsonText(toKeyFile(keypair)) : describeKey(keypair, true));
      return 0;
    }
    await writeKeyFile(options.out, keypair);
    const { address, publicKey } = toKeyFile(keypair);
    io.out(
      options.json
        ? toJsonText({ address, publicKey, file: options.out })
        : `${address}\nwritten to ${options.out}`,
    );
    return 0;
  });
}

export interface KeysInspectOptions {
  dev?: string;
  json?: boolean;
}

export async function runKeysInspect(
  file: string | undefined,
  options: KeysInspectOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    if ((file === undefined) === (options.dev === undefined)) {
      throw new UsageError('inspect either a key FILE or a development account with --dev NAME');
    }
    const keypair = file !== undefined ? await readKeyFile(file) : resolveDevKeypair(options.dev!);
    const { type, address, publicKey } = toKeyFile(keypair);
    io.out(options.json ? toJsonText({ type, address, publicKey }) : describeKey(keypair, false));
    return 0;
  });
}

function describeKey(keypair: Keypair, withSecret: boolean): string {
  const lines = [
    `address:    ${encodeAddress(keypair.publicKey)}`,
    `publicKey:  ${toHex(keypair.publicKey)}`,
  ];
  if (withSecret) lines.push(`secretSeed: ${toHex(keypair.secretSeed)}`);
  return lines.join('\n');
}

export function registerKeysCommands(program: Command, io: OutputSink = processSink): void {
  const keys = program.command('keys').description('create and inspect ed25519 account keys');
  keys
    .command('generate')
    .description('generate a key; with --out, write it to a new file (mode 0600), never over an existing one')
    .option('--out <file>', 'key file to create')
    .option('--json', 'print JSON')
    .action(async (options: KeysGenerateOptions) => {
      process.exitCode = await runKeysGenerate(options, io);
    });
  keys
    .command('inspect')
    .description('check a key file and print its address and public key (never the secret)')
    .argument('[file]', 'key file')
    .option('--dev <name>', 'a development account instead (alice, bob, ...)')
    .option('--json', 'print JSON')
    .action(async (file: string | undefined, options: KeysInspectOptions) => {
      process.exitCode = await runKeysInspect(file, options, io);
    });
}
