// `phalanx tx system set-authorities <key...>`: `governance.sudo(system.setAuthorities(keys))`, signed
// by the sudo key. The set replaces the old one whole, and governs from the block after the one that
// includes it (a block's author is checked against its parent's state); workers follow it by proof.
// A set the chain would refuse (empty, too large, a key twice) is refused here, which saves a fee.
import type { Command } from 'commander';
import { decodeAddress } from '../../codec/address.js';
import { hexToBytes } from '../../codec/bytes.js';
import { governanceCalls } from '../../runtime/governance/types.js';
import { findAuthoritiesProblem } from '../../runtime/system/findAuthoritiesProblem.js';
import { MAX_AUTHORITIES, systemCalls } from '../../runtime/system/types.js';
import { runAction } from '../output.js';
import { resolveSigner } from '../resolveSigner.js';
import { type OutputSink, processSink, UsageError } from './cliSupport.js';
import { submitCall, type TxOptions, withTxOptions } from './tx.js';

/** An authority's ed25519 key: phx1... or 0x + 64 hex digits, as genesis takes it. */
function parseAuthorityKey(text: string): Uint8Array {
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return hexToBytes(text);
  try {
    if (text.startsWith('phx1')) return decodeAddress(text);
  } catch (error) {
    throw new UsageError(`authority "${text}": ${(error as Error).message}`);
  }
  throw new UsageError(`authority: expected phx1... or 0x + 64 hex digits, got "${text}"`);
}

/** `governance.sudo(system.setAuthorities(keys))`, signed by the sudo key. */
export async function runSystemSetAuthorities(
  keys: readonly string[],
  options: TxOptions,
  io: OutputSink,
): Promise<number> {
  return runAction(io, async () => {
    const authorities = keys.map(parseAuthorityKey);
    const wrong = findAuthoritiesProblem(authorities);
    if (wrong) throw new UsageError(`authorities: ${wrong.problem}`);
    const signer = await resolveSigner(options);
    return submitCall(governanceCalls.sudo(systemCalls.setAuthorities(authorities)), signer, options, io);
  });
}

/** Adds `system` under `tx` (see registerTxCommands). */
export function registerSystemTxCommands(tx: Command, io: OutputSink = processSink): void {
  const system = tx.command('system').description('system governance calls (signed by the sudo key)');
  withTxOptions(
    system
      .command('set-authorities')
      .description(
        'replace the block authorities (governance.sudo); the new set seals from the next block on',
      )
      .argument('<keys...>', `the whole new set, 1 to ${MAX_AUTHORITIES} distinct keys (phx1... or 0x-hex)`),
  ).action(async (keys: string[], options: TxOptions) => {
    process.exitCode = await runSystemSetAuthorities(keys, options, io);
  });
}
