// Human and --json output of the `phalanx` command, and the one place that turns errors into a single
// stderr line and an exit status (never a stack trace: a stack is for bugs, see PHALANX_DEBUG).
import { toHex } from '../codec/bytes.js';
import { CodecError, PhalanxError } from '../codec/errors.js';
import { EXIT_REJECTED, EXIT_USAGE, type OutputSink, UsageError } from './commands/cliSupport.js';

/** Smallest units per PHX (12 decimals), as in the runtime's balances module. */
const DECIMALS = 12;
const UNIT = 10n ** BigInt(DECIMALS);

/** `1.5PHX` / `1.5 phx` (PHX, up to 12 decimals) or `1500` (smallest units); `label` names it in errors. */
export function parseAmount(text: string, label = '--amount'): bigint {
  const phx = /^(\d+)(?:\.(\d{1,12}))?\s*phx$/i.exec(text.trim());
  if (phx) return BigInt(phx[1]!) * UNIT + BigInt((phx[2] ?? '').padEnd(DECIMALS, '0') || '0');
  if (/^\d+$/.test(text.trim())) return BigInt(text.trim());
  throw new UsageError(`${label}: expected smallest units (1500) or PHX (1.5PHX), got "${text}"`);
}

export function formatAmount(units: bigint): string {
  const whole = units / UNIT;
  const fraction = (units % UNIT).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${whole.toLocaleString('en-US')}${fraction ? `.${fraction}` : ''} PHX`;
}

/** JSON with bytes as 0x-hex and bigints as decimal strings, like the RPC. */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return toHex(v);
      return v;
    },
    indent,
  );
}

/** Runs an action and maps what it throws to one line on stderr and an exit status. */
export async function runAction(io: OutputSink, action: () => Promise<number | undefined>): Promise<number> {
  try {
    return (await action()) ?? 0;
  } catch (error) {
    if (process.env.PHALANX_DEBUG) io.err(String((error as Error).stack ?? error));
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    // Malformed input the user typed (an address, hex) is a usage error too.
    if (error instanceof CodecError) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof PhalanxError) {
      // The code (CannotPayFee, balances.InsufficientBalance) is what scripts and searches match on.
      const named = error.code !== 'ConnectionFailed' && !error.message.includes(error.code);
      io.err(`error: ${error.message}${named ? ` (${error.code})` : ''}`);
      return EXIT_REJECTED;
    }
    io.err(`error: ${(error as Error).message ?? String(error)}`);
    return EXIT_REJECTED;
  }
}
