// Genesis plumbing: the config is JSON from outside (a file, the CLI), so it is validated with zod
// at the edge and every problem is a GenesisError naming the field. Modules share the field schemas
// below so that accounts and amounts are spelled the same way everywhere.
import { z } from 'zod';
import { decodeAddress } from '../../codec/address.js';
import { hexToBytes } from '../../codec/bytes.js';
import { PhalanxError } from '../../codec/errors.js';
import type { Overlay } from './overlay.js';
import { U128_MAX } from './types.js';

export class GenesisError extends PhalanxError {
  constructor(field: string, problem: string, details: Record<string, unknown> = {}) {
    super('InvalidGenesis', `genesis config: ${field}: ${problem}`, { field, ...details });
  }
}

/** A `phx1...` address or 0x-hex of 32 bytes. */
export const accountIdSchema = z.string().transform((text, ctx): Uint8Array => {
  try {
    return text.startsWith('0x') ? hexToBytes(text, 32) : decodeAddress(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a phx1 address or 32-byte 0x-hex key: ${text}` });
    return z.NEVER;
  }
});

/** A u128 amount as a decimal string (JSON has no bigint) or a safe non-negative integer. */
export const amountSchema = z
  .union([
    z.string().regex(/^[0-9]{1,39}$/, 'expected a decimal string of digits'),
    z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value, ctx): bigint => {
    const amount = BigInt(value);
    if (amount > U128_MAX) {
      ctx.addIssue({ code: 'custom', message: `amount above u128: ${value}` });
      return z.NEVER;
    }
    return amount;
  });

export const u32Schema = z.number().int().min(0).max(0xffff_ffff);

export interface GenesisDefinition<Output, Input> {
  readonly schema: z.ZodType<Output, Input>;
  /** Writes the module's initial storage; throws GenesisError for cross-field problems. */
  build(state: Overlay, config: Output): void;
}

/** Parses with `schema`, turning the first zod issue into a GenesisError naming its path. */
export function parseGenesisSection<Output>(schema: z.ZodType<Output>, value: unknown, root: string): Output {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new GenesisError(formatPath(root, issue.path), issue.message, { issues: result.error.issues.length });
}

export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}
