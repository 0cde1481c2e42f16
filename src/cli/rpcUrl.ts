// Where the CLI finds a node: --rpc, else $PHALANX_RPC, else the default port on this machine.
import { UsageError } from './commands/cliSupport.js';

export const DEFAULT_RPC_PORT = 9944;

export function defaultRpcUrl(): string {
  return process.env.PHALANX_RPC || `http://127.0.0.1:${DEFAULT_RPC_PORT}`;
}

/** The node serves WebSocket on the same port: http(s)://host:port -> ws(s)://host:port. */
export function toWsUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--rpc: not a URL: ${url}`);
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  else if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new UsageError(`--rpc: expected an http(s) or ws(s) URL, got ${url}`);
  }
  return parsed.toString().replace(/\/$/, '');
}

export function toHttpUrl(url: string): string {
  return toWsUrl(url).replace(/^ws/, 'http');
}
