// One interface for every TEE's sealing (DESIGN.md section 4, step 1): bytes in, bytes out, bound to
// this TEE instance's sealing key and to a label naming what is sealed. Providers are synchronous
// because their key is read once, when the provider is created; sealing is then pure computation.

/** `sim` is the insecure software TEE; its name says so wherever it is chosen. */
export type SealingKind = 'sim' | 'sgx' | 'tdx';

export interface SealingProvider {
  readonly kind: SealingKind;
  /** Encrypts and authenticates `plaintext` for `label`; the output is self-describing (sealWithKey.ts). */
  seal(plaintext: Uint8Array, label: string): Uint8Array;
  /**
   * Opens what `seal` produced with the same label, on the same machine and measurement. Anything
   * else is an EnclaveError: SealedFileCorrupt, SealedByOtherProvider or UnsealFailed.
   */
  unseal(sealed: Uint8Array, label: string): Uint8Array;
}
