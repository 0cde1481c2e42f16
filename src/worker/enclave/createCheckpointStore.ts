// The light client's checkpoint (issue 9, "A restart must not cost a slash"): the last verified
// header and what the client needs to carry on from it (the pinned genesis hash and the authorities),
// sealed by the worker's own provider, so that a restart verifies only the headers since instead of
// the whole chain from genesis. The host cannot forge one (it cannot seal), so a checkpoint that opens
// is one this core wrote after verifying every header up to it. Roles that build a view of the chain
// from the blocks they see (the gatekeeper's registrations) ride along under their name, sealed in the
// same file so that the view and the head are always of the same block.
//
// One file, replaced atomically on each save (writeFileAtomic.ts): disk use stays one checkpoint.
// Reading never throws anything but a LightClientError: `CheckpointInvalid` (unreadable, does not
// unseal: tampered, truncated, another machine or measurement; or does not decode) and
// `CheckpointOtherChain`. The caller then starts from genesis; the next save replaces the bad file.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { HeaderCodec } from '../../codec/chain.js';
import {
  Bytes,
  type Codec,
  decodeExact,
  Hash32,
  PublicKey32,
  Struct,
  str,
  Tuple,
  u8,
  Vector,
} from '../../codec/scale.js';
import { type LightClientCheckpoint, LightClientError } from './lightClient.js';
import type { SealingProvider } from './sealing/types.js';
import { writeFileAtomic } from './writeFileAtomic.js';

export const CHECKPOINT_FILE = 'light-client.sealed';
/** The sealing label: no other sealed file of the worker (identity, genesis pin) can stand in for it. */
export const CHECKPOINT_LABEL = 'phalanx/light-client-checkpoint/v1';
const CHECKPOINT_VERSION = 1;

interface SealedCheckpoint {
  version: number;
  genesisHash: Uint8Array;
  authorities: Uint8Array[];
  head: LightClientCheckpoint['head'];
  views: [string, Uint8Array][];
}

const SealedCheckpointCodec: Codec<SealedCheckpoint> = Struct({
  version: u8,
  genesisHash: Hash32,
  authorities: Vector(PublicKey32),
  head: HeaderCodec,
  views: Vector(Tuple(str, Bytes())),
});

export interface Checkpoint {
  readonly lightClient: LightClientCheckpoint;
  /** Each role's view of the chain at the checkpoint's head, by role name. */
  readonly views: ReadonlyMap<string, Uint8Array>;
}

export interface CheckpointStore {
  /** The sealed file, for logs. */
  readonly path: string;
  /** Seals and writes the checkpoint, replacing the last one. Throws CheckpointWriteFailed. */
  save(lightClient: LightClientCheckpoint, views?: ReadonlyMap<string, Uint8Array>): void;
  /**
   * The sealed checkpoint of the chain `genesisHash`; undefined if there is none. Throws
   * CheckpointInvalid or CheckpointOtherChain (a LightClientError) and never anything else.
   */
  load(genesisHash: Uint8Array): Checkpoint | undefined;
}

/** `reason`: the error code underneath (UnsealFailed, ...) or what was wrong, for logs and tests. */
function invalid(path: string, message: string, reason: string, cause?: unknown): LightClientError {
  return new LightClientError(
    'CheckpointInvalid',
    `${path}: ${message}`,
    { path, reason },
    cause === undefined ? undefined : { cause },
  );
}

function codeOf(error: unknown, otherwise: string): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : otherwise;
}

export function createCheckpointStore(options: {
  dataDir: string;
  sealing: SealingProvider;
}): CheckpointStore {
  const { dataDir, sealing } = options;
  const path = join(dataDir, CHECKPOINT_FILE);

  return {
    path,

    save(lightClient, views = new Map()) {
      let sealed: Uint8Array;
      try {
        const plaintext = SealedCheckpointCodec.enc({
          version: CHECKPOINT_VERSION,
          genesisHash: lightClient.genesisHash,
          authorities: [...lightClient.authorities],
          head: lightClient.head,
          views: [...views],
        });
        sealed = sealing.seal(plaintext, CHECKPOINT_LABEL);
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        writeFileAtomic(path, sealed, 0o600);
      } catch (cause) {
        throw new LightClientError(
          'CheckpointWriteFailed',
          `cannot write the light client checkpoint ${path}: ${(cause as Error).message}`,
          { path },
          { cause },
        );
      }
    },

    load(genesisHash) {
      let sealed: Uint8Array;
      try {
        sealed = new Uint8Array(readFileSync(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw invalid(path, 'cannot be read', codeOf(error, 'ReadFailed'), error);
      }
      let plaintext: Uint8Array;
      try {
        plaintext = sealing.unseal(sealed, CHECKPOINT_LABEL);
      } catch (cause) {
        throw invalid(
          path,
          `does not unseal: ${(cause as Error).message}`,
          codeOf(cause, 'UnsealFailed'),
          cause,
        );
      }
      let decoded: SealedCheckpoint;
      try {
        decoded = decodeExact(SealedCheckpointCodec, plaintext, 'light client checkpoint');
      } catch (cause) {
        throw invalid(path, 'unseals but does not hold a light client checkpoint', 'Undecodable', cause);
      }
      if (decoded.version !== CHECKPOINT_VERSION) {
        throw invalid(
          path,
          `checkpoint format version ${decoded.version} is not ${CHECKPOINT_VERSION}`,
          'UnknownVersion',
        );
      }
      if (!equalBytes(decoded.genesisHash, genesisHash)) {
        throw new LightClientError(
          'CheckpointOtherChain',
          `${path} is a checkpoint of chain 0x${bytesToHex(decoded.genesisHash)}, not the pinned 0x${bytesToHex(genesisHash)}`,
          { path, checkpointGenesis: bytesToHex(decoded.genesisHash), pinned: bytesToHex(genesisHash) },
        );
      }
      const views = new Map(decoded.views);
      if (views.size !== decoded.views.length)
        throw invalid(path, 'names a role view twice', 'DuplicateView');
      return {
        lightClient: {
          genesisHash: decoded.genesisHash,
          authorities: decoded.authorities,
          head: decoded.head,
        },
        views,
      };
    },
  };
}
