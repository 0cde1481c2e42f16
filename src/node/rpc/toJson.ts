// Chain values -> the wire shapes of src/codec/rpcWire.ts. Kept apart from the method table so that
// the WebSocket notifications and the request handlers produce byte-identical JSON.

import { toHex } from '../../codec/bytes.js';
import {
  type Block,
  BlockCodec,
  type Event,
  type Header,
  hashExtrinsic,
  type SignedHeader,
} from '../../codec/chain.js';
import type {
  BlockEventsJson,
  BlockJson,
  EventJson,
  HeaderJson,
  OutcomeJson,
  SignedHeaderJson,
  StorageJson,
} from '../../codec/rpcWire.js';
import type { ExtrinsicOutcome } from '../../runtime/api.js';
import { decodeEvent } from '../../runtime/index.js';
import type { StorageProofResult } from '../chainService.js';

export function headerToJson(header: Header): HeaderJson {
  return {
    parentHash: toHex(header.parentHash),
    number: header.number,
    timestamp: header.timestamp.toString(),
    stateRoot: toHex(header.stateRoot),
    extrinsicsRoot: toHex(header.extrinsicsRoot),
    eventsRoot: toHex(header.eventsRoot),
    author: toHex(header.author),
  };
}

export function signedHeaderToJson(hash: Uint8Array, signed: SignedHeader): SignedHeaderJson {
  return { hash: toHex(hash), header: headerToJson(signed.header), signature: toHex(signed.signature) };
}

function outcomeToJson(outcome: ExtrinsicOutcome | undefined): OutcomeJson | null {
  if (!outcome) return null;
  if (outcome.ok) return { ok: true };
  const { module, error, code } = outcome.error;
  return { ok: false, error: { module, error, code } };
}

export function blockToJson(
  hash: Uint8Array,
  block: Block,
  outcomes: readonly ExtrinsicOutcome[] | undefined,
): BlockJson {
  return {
    block: toHex(BlockCodec.enc(block)),
    hash: toHex(hash),
    header: headerToJson(block.header),
    signature: toHex(block.signature),
    extrinsics: block.extrinsics.map((extrinsic, i) => ({
      hash: toHex(hashExtrinsic(extrinsic)),
      outcome: outcomeToJson(outcomes?.[i]),
    })),
  };
}

export function eventToJson(event: Event): EventJson {
  return {
    phase: event.phase ?? null,
    module: event.module,
    name: event.name,
    data: toHex(event.data),
    fields: decodeEvent(event).data,
  };
}

export function blockEventsToJson(
  blockHash: Uint8Array,
  number: number,
  events: readonly Event[],
): BlockEventsJson {
  return { blockHash: toHex(blockHash), number, events: events.map(eventToJson) };
}

export function storageToJson(result: StorageProofResult): StorageJson {
  return {
    key: toHex(result.key),
    value: result.value === undefined ? null : toHex(result.value),
    proof: result.proof.map(toHex),
    stateRoot: toHex(result.stateRoot),
    blockHash: toHex(result.blockHash),
  };
}
