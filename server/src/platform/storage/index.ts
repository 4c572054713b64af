import type { Config } from '../../config.js';
import { createKeyring, type Keyring } from '../encryption.js';
import { createEncryptedStore, type FileStore } from './encrypted-store.js';
import { createLocalDiskDriver } from './local-disk.js';
import type { BlobDriver } from './types.js';

export { createEncryptedStore, readAll, type FileStore, type StoredObject } from './encrypted-store.js';
export { createLocalDiskDriver, sweepLocalTemp } from './local-disk.js';
export { ORPHAN_AGE_MS, sweepOrphans } from './orphans.js';
export { purgeFilesOfClosedAccounts, type RetentionPurge } from './retention.js';
export { StorageNotFoundError, OBJECT_KEY, type BlobDriver } from './types.js';

/** The master keys from config: MASTER_KEY for new data, MASTER_KEY_PREVIOUS still readable. */
export function keyringFromConfig(config: Pick<Config, 'masterKey' | 'masterKeyPrevious'>): Keyring {
  return createKeyring(config.masterKey, config.masterKeyPrevious);
}

/**
 * The platform's one file store: encrypted at rest, on the driver STORAGE_DRIVER names. Only
 * `local` is built in; an S3-compatible driver plugs in here (see types.ts and README.md).
 */
export function createFileStore(config: Pick<Config, 'storageDriver' | 'filesDir'>, ring: Keyring): { store: FileStore; driver: BlobDriver } {
  const driver = createLocalDiskDriver(config.filesDir);
  return { store: createEncryptedStore(driver, ring), driver };
}
