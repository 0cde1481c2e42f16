// Where a follower gets blocks from. The RPC-backed source speaks the node's own JSON-RPC:
//   chain_getHeader()          -> { hash, header: { number, ... } } of the upstream head
//   chain_getBlockHash([n])    -> 0x hash, or null above the head
//   chain_getBlock([hash])     -> { block: 0x SCALE(Block), ... }, or null
// Everything it returns is untrusted: the follower checks and re-executes each block.
import { hexToBytes } from '../../codec/bytes.js';
import { type Block, BlockCodec } from '../../codec/chain.js';
import { decodeExact } from '../../codec/scale.js';
import type { ChainService } from '../chainService.js';
import { BlockImportError, NodeError } from '../errors.js';

export interface BlockSource {
  /** Upstream's head. */
  getHead(): Promise<{ number: number; hash: Uint8Array }>;
  getBlockHash(number: number): Promise<Uint8Array | undefined>;
  getBlock(number: number): Promise<Block | undefined>;
  close(): void;
}

/** A source reading another node in the same process (tests, tools). */
export function createChainBlockSource(upstream: ChainService): BlockSource {
  return {
    getHead: async () => {
      const { hash, signed } = upstream.head();
      return { number: signed.header.number, hash };
    },
    getBlockHash: async (number) => upstream.getBlockHash(number),
    getBlock: async (number) => {
      const hash = upstream.getBlockHash(number);
      return hash ? upstream.getBlock(hash) : undefined;
    },
    close: () => {},
  };
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function createRpcBlockSource(upstreamUrl: string): BlockSource {
  let url: URL;
  try {
    url = new URL(upstreamUrl);
  } catch (cause) {
    throw new NodeError(
      'InvalidOption',
      `upstream URL is not a URL: ${upstreamUrl}`,
      { upstreamUrl },
      { cause },
    );
  }
  // One port serves HTTP and WebSocket; requests go over HTTP.
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NodeError('InvalidOption', `upstream URL must be http(s) or ws(s): ${upstreamUrl}`, {
      upstreamUrl,
    });
  }
  const controller = new AbortController();
  let id = 0;

  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    const text = await response.text();
    if (text.length > MAX_RESPONSE_BYTES) {
      throw new NodeError('UpstreamError', `${method}: response of ${text.length} bytes is too large`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new NodeError(
        'UpstreamError',
        `${method}: upstream sent non-JSON (HTTP ${response.status})`,
        {},
        { cause },
      );
    }
    if (!isObject(body)) throw new NodeError('UpstreamError', `${method}: response is not an object`);
    if (isObject(body.error)) {
      throw new NodeError('UpstreamError', `${method}: upstream error ${String(body.error.message)}`, {
        error: body.error,
      });
    }
    return body.result;
  };

  const hashOf = (value: unknown, what: string): Uint8Array | undefined => {
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string') throw new NodeError('UpstreamError', `${what}: expected a hex hash`);
    return hexToBytes(value, 32);
  };

  const source: BlockSource = {
    async getHead() {
      const result = await call('chain_getHeader', []);
      if (!isObject(result) || !isObject(result.header) || typeof result.header.number !== 'number') {
        throw new NodeError('UpstreamError', 'chain_getHeader: unexpected result shape');
      }
      const hash = hashOf(result.hash, 'chain_getHeader');
      if (!hash) throw new NodeError('UpstreamError', 'chain_getHeader: no hash');
      return { number: result.header.number, hash };
    },
    async getBlockHash(number) {
      return hashOf(await call('chain_getBlockHash', [number]), 'chain_getBlockHash');
    },
    async getBlock(number) {
      const hash = await source.getBlockHash(number);
      if (!hash) return undefined;
      const result = await call('chain_getBlock', [`0x${Buffer.from(hash).toString('hex')}`]);
      if (result === null) return undefined;
      if (!isObject(result) || typeof result.block !== 'string') {
        throw new NodeError('UpstreamError', 'chain_getBlock: unexpected result shape');
      }
      return decodeBlock(hexToBytes(result.block), `upstream block ${number}`, number);
    },
    close: () => controller.abort(),
  };
  return source;
}

/** SCALE bytes from outside as a block, or BlockImportError MalformedBlock naming `what`. */
export function decodeBlock(bytes: Uint8Array, what: string, number: number): Block {
  try {
    return decodeExact(BlockCodec, bytes, 'block');
  } catch (cause) {
    throw new BlockImportError('MalformedBlock', `${what} does not decode`, { number }, { cause });
  }
}
