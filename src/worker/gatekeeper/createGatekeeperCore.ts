// The gatekeeper's part of the enclave core (DESIGN.md section 5): the network master key. It is
// generated here or received encrypted to this worker's ECDH key, kept only sealed in the data folder
// (like the identity), and never handed out: callers get its public key, its signatures, the network
// key encrypted to a worker, and the master key encrypted to another gatekeeper.
//
// One sealed file per master key (`master-<pubkey prefix>.sealed`): two first gatekeepers may race to
// publish, and the loser must then take the winner's key without ever overwriting a sealed key, since
// a master key lost after it was published cannot be recovered.
import { readdirSync } from 'node:fs';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { decryptFromX25519, deriveKey, encryptToX25519 } from '../../codec/encryption.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519FromSeed, ed25519Sign, generateEd25519, type Keypair } from '../../codec/keys.js';
import { MASTER_KEY_BOX_INFO } from '../../runtime/gatekeeper/types.js';
import { NETWORK_KEY_INFO } from '../enclave/enclaveCore.js';
import { loadOrCreateIdentity } from '../enclave/identity.js';
import type { SealingProvider } from '../enclave/sealing/types.js';
import { WorkerError } from '../host/errors.js';
import { readSealedFile, writeSealedFileOnce } from '../host/sealedFile.js';

const MASTER_KEY_LABEL = 'phalanx/gatekeeper-master-key/v1';
const MASTER_FILE = /^master-[0-9a-f]{16}\.sealed$/;
/** HKDF info of the network key derived from the master key; contract keys will use other infos. */
const NETWORK_KEY_DERIVATION = 'phalanx/network-key/v1';

export interface GatekeeperCore {
  /** The master public keys this core holds sealed (usually one). */
  heldMasterPubkeys(): Uint8Array[];
  holdsMaster(masterPubkey: Uint8Array): boolean;
  /** A master key to publish: one already sealed here, or a fresh one (sealed before it is returned). */
  masterKeyToPublish(): Uint8Array;
  /** Opens a master key box addressed to this worker; it must be the key of `masterPubkey`. */
  acceptSharedMasterKey(box: Uint8Array, masterPubkey: Uint8Array): void;
  signAsMaster(masterPubkey: Uint8Array, message: Uint8Array): Uint8Array;
  /** The network key encrypted to a worker's ECDH key (what `gatekeeper.provision` carries). */
  networkKeyBoxFor(masterPubkey: Uint8Array, workerEcdhPubkey: Uint8Array): Uint8Array;
  /** The master key encrypted to another gatekeeper's ECDH key (what `gatekeeper.shareMasterKey` carries). */
  masterKeyBoxFor(masterPubkey: Uint8Array, gatekeeperEcdhPubkey: Uint8Array): Uint8Array;
  /** BLAKE2b-256 of the network key of `masterPubkey`, to compare without revealing it. */
  networkKeyFingerprint(masterPubkey: Uint8Array): Uint8Array;
}

function fileFor(pubkey: Uint8Array): string {
  return `master-${bytesToHex(pubkey).slice(0, 16)}.sealed`;
}

/** The network key every provisioned worker receives: derived from the master key, never stored. */
function networkKeyOf(master: Keypair): Uint8Array {
  return deriveKey(master.secretSeed, new Uint8Array(0), NETWORK_KEY_DERIVATION);
}

export function createGatekeeperCore(options: { dataDir: string; sealing: SealingProvider }): GatekeeperCore {
  const { dataDir, sealing } = options;
  // The same sealed identity the enclave core uses: the ECDH key opens master key boxes.
  const { identity } = loadOrCreateIdentity(dataDir, sealing);
  const held = new Map<string, Keypair>();

  const load = (name: string): void => {
    const seed = readSealedFile(dataDir, name, sealing, MASTER_KEY_LABEL);
    if (seed === undefined) return;
    if (seed.length !== 32)
      throw new WorkerError('SealedStateInvalid', `${name} does not hold a 32-byte master seed`);
    const keypair = ed25519FromSeed(seed);
    held.set(bytesToHex(keypair.publicKey), keypair);
  };
  let names: string[] = [];
  try {
    names = readdirSync(dataDir).filter((name) => MASTER_FILE.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const name of names.sort()) load(name);

  const store = (keypair: Keypair): Keypair => {
    const seed = writeSealedFileOnce(
      dataDir,
      fileFor(keypair.publicKey),
      sealing,
      MASTER_KEY_LABEL,
      keypair.secretSeed,
    );
    const stored = ed25519FromSeed(seed);
    held.set(bytesToHex(stored.publicKey), stored);
    return stored;
  };

  const master = (pubkey: Uint8Array): Keypair => {
    const keypair = held.get(bytesToHex(pubkey));
    if (!keypair)
      throw new WorkerError(
        'MasterKeyMismatch',
        `this gatekeeper does not hold master key 0x${bytesToHex(pubkey)}`,
      );
    return keypair;
  };

  return {
    heldMasterPubkeys: () => [...held.values()].map((k) => k.publicKey),
    holdsMaster: (pubkey) => held.has(bytesToHex(pubkey)),
    masterKeyToPublish() {
      const existing = held.values().next().value as Keypair | undefined;
      return (existing ?? store(generateEd25519())).publicKey;
    },
    acceptSharedMasterKey(box, masterPubkey) {
      let seed: Uint8Array;
      try {
        seed = decryptFromX25519(identity.ecdh.secretSeed, identity.ecdh.publicKey, box, MASTER_KEY_BOX_INFO);
      } catch (cause) {
        throw new WorkerError(
          'MasterKeyMismatch',
          'the shared master key box does not open with this gatekeeper’s ECDH key',
          {},
          { cause },
        );
      }
      if (seed.length !== 32)
        throw new WorkerError('MasterKeyMismatch', `the shared master key is ${seed.length} bytes, not 32`);
      const keypair = ed25519FromSeed(seed);
      if (!equalBytes(keypair.publicKey, masterPubkey)) {
        throw new WorkerError(
          'MasterKeyMismatch',
          'the shared master key is not the chain’s master public key',
        );
      }
      store(keypair);
    },
    signAsMaster: (pubkey, message) => ed25519Sign(master(pubkey).secretSeed, message),
    networkKeyBoxFor: (pubkey, ecdh) => encryptToX25519(ecdh, networkKeyOf(master(pubkey)), NETWORK_KEY_INFO),
    masterKeyBoxFor: (pubkey, ecdh) => encryptToX25519(ecdh, master(pubkey).secretSeed, MASTER_KEY_BOX_INFO),
    networkKeyFingerprint: (pubkey) => blake2b256(networkKeyOf(master(pubkey))),
  };
}
