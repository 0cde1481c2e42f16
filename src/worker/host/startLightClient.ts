// How a worker's light client starts (issue 9, "A restart must not cost a slash"): from the enclave
// core's sealed checkpoint when it has a good one, verifying only the headers since; from the pinned
// genesis otherwise. A checkpoint that is unreadable, tampered, truncated, sealed elsewhere or of
// another chain is logged with its typed error and ignored: the worker follows from genesis, which is
// slow but always right, and its next checkpoint replaces the bad file. Roles that keep a view of the
// chain (the gatekeeper's registrations) resume theirs from the same checkpoint; if one is missing
// (the worker ran without that role before) the worker starts from genesis, so the role sees every
// block it would otherwise have missed.
import type { Logger } from 'pino';
import type { RpcClient } from '../../client/types.js';
import { bytesToHex } from '../../codec/bytes.js';
import type { CheckpointStore } from '../enclave/createCheckpointStore.js';
import { type LightClient, LightClientError, resumeLightClient } from '../enclave/lightClient.js';
import type { ViewHolder } from './checkpointLightClient.js';
import { bootstrapLightClient } from './followChain.js';

export interface StartLightClientOptions {
  readonly client: RpcClient;
  readonly checkpoints: CheckpointStore;
  /** The pinned chain (pinGenesis). */
  readonly genesisHash: Uint8Array;
  readonly roles: readonly ViewHolder[];
  readonly logger: Logger;
}

export interface StartedLightClient {
  readonly lightClient: LightClient;
  /** The checkpoint's block number when resumed from one; undefined when started at genesis. */
  readonly resumedFrom: number | undefined;
}

export async function startLightClient(options: StartLightClientOptions): Promise<StartedLightClient> {
  const resumed = resumeFromCheckpoint(options);
  if (resumed) return { lightClient: resumed, resumedFrom: resumed.head().header.number };
  const lightClient = await bootstrapLightClient(options.client, options.genesisHash);
  options.logger.info({ genesisHash: bytesToHex(options.genesisHash) }, 'light client started at genesis');
  return { lightClient, resumedFrom: undefined };
}

/** The light client resumed from the checkpoint, its roles' views restored; undefined to start at genesis. */
function resumeFromCheckpoint(options: StartLightClientOptions): LightClient | undefined {
  const { checkpoints, genesisHash, roles, logger } = options;
  const refused = (error: unknown, what: string): undefined => {
    const code = (error as { code?: unknown }).code;
    logger.error(
      { err: error, code, path: checkpoints.path },
      `${what}; ignoring it and following the chain from genesis`,
    );
    return undefined;
  };
  let checkpoint: ReturnType<CheckpointStore['load']>;
  try {
    checkpoint = checkpoints.load(genesisHash);
  } catch (error) {
    // The store throws only its typed refusals; anything else is a bug and must not pass as one.
    if (!(error instanceof LightClientError)) throw error;
    return refused(error, 'light client checkpoint refused');
  }
  if (checkpoint === undefined) return undefined;
  const missing = roles.filter((role) => role.view && !checkpoint.views.has(role.name)).map((r) => r.name);
  if (missing.length > 0) {
    logger.warn(
      { roles: missing, path: checkpoints.path },
      'the light client checkpoint holds no view for these roles; following the chain from genesis so that they see every block',
    );
    return undefined;
  }
  let lightClient: LightClient;
  try {
    lightClient = resumeLightClient(checkpoint.lightClient);
  } catch (error) {
    if (!(error instanceof LightClientError)) throw error;
    return refused(error, 'light client checkpoint refused');
  }
  for (const role of roles) {
    const view = checkpoint.views.get(role.name);
    if (!role.view || view === undefined) continue;
    try {
      // A role restores all of its view or none of it (it decodes before it replaces anything). With
      // several roles, one refused after another restored makes that one see blocks again from
      // genesis: a view must absorb a block seen twice (the gatekeeper's does: a registration
      // recorded again replaces itself).
      role.view.restore(view);
    } catch (error) {
      return refused(error, `the ${role.name} view in the light client checkpoint refused`);
    }
  }
  const head = lightClient.head();
  logger.info(
    { block: head.header.number, hash: bytesToHex(head.hash), path: checkpoints.path },
    'light client resumed from its sealed checkpoint',
  );
  return lightClient;
}
