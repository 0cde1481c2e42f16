// Wire JSON (already checked against src/codec/rpcWire.ts) -> the codec's own types, so callers work
// with bytes and bigints rather than strings.
import { hexToBytes } from '../codec/bytes.js';
import type { Event, Header, SignedHeader } from '../codec/chain.js';
import type { BlockEventsJson, EventJson, HeaderJson, SignedHeaderJson } from '../codec/rpcWire.js';

export function headerFromJson(json: HeaderJson): Header {
  return {
    parentHash: hexToBytes(json.parentHash),
    number: json.number,
    timestamp: BigInt(json.timestamp),
    stateRoot: hexToBytes(json.stateRoot),
    extrinsicsRoot: hexToBytes(json.extrinsicsRoot),
    eventsRoot: hexToBytes(json.eventsRoot),
    author: hexToBytes(json.author),
  };
}

export interface HeadInfo {
  hash: Uint8Array;
  signed: SignedHeader;
}

export function signedHeaderFromJson(json: SignedHeaderJson): HeadInfo {
  return {
    hash: hexToBytes(json.hash),
    signed: { header: headerFromJson(json.header), signature: hexToBytes(json.signature) },
  };
}

/** A chain event plus its fields as the node's runtime decoded them. */
export interface EventInfo extends Event {
  fields: Record<string, unknown>;
}

export function eventFromJson(json: EventJson): EventInfo {
  return {
    phase: json.phase ?? undefined,
    module: json.module,
    name: json.name,
    data: hexToBytes(json.data),
    fields: json.fields,
  };
}

export interface BlockEvents {
  blockHash: Uint8Array;
  number: number;
  events: EventInfo[];
}

export function blockEventsFromJson(json: BlockEventsJson): BlockEvents {
  return {
    blockHash: hexToBytes(json.blockHash),
    number: json.number,
    events: json.events.map(eventFromJson),
  };
}
