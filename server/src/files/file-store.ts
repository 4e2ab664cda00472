import type { Readable } from 'node:stream';
import type { FileStoreConfig } from '../config.js';
import { createLocalFileStore } from './local-file-store.js';
import { createS3FileStore } from './s3-file-store.js';

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where file contents live. Keys are made by the server (never from a name a person or a channel sent), so a key
 * can never point outside the store. Contents move as streams, never whole in memory.
 */
export interface FileStore {
  /** Writes a stream under `key`; on any failure nothing is left under `key`. Resolves with the bytes written. */
  put(key: string, body: Readable, options?: { contentType?: string }): Promise<{ size: number }>;
  /** Reads the object, or the inclusive byte range of it. Fails with `FileMissingError` when there is none. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | undefined>;
  /** Renames an object: how an upload written under a temporary key is committed. */
  move(from: string, to: string): Promise<void>;
  /** Deletes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Removes what writes interrupted by a crash left behind — objects under the temporary prefix (`tmp/`) and, on
   * S3, unfinished multipart uploads — last written before `olderThan`. An upload still in progress keeps
   * writing, so it is never that old. Resolves with the number removed.
   */
  removeTemporary(olderThan: Date): Promise<number>;
}

export class FileMissingError extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
  }
}

const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

/** Refuses any key that is not made of plain segments (no `..`, no absolute paths, no backslashes). */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((segment) => segment.startsWith('.')) || key.length > 512) {
    throw new Error(`Invalid storage key "${key}"`);
  }
}

/** Keys of a file's contents and of its derived thumbnail. Built from ids only. */
export const storageKeys = {
  temporaryPrefix: 'tmp/',
  temporary: (uploadId: string) => `tmp/${uploadId}`,
  content: (tenantId: string, fileId: string) => `tenants/${tenantId}/files/${fileId}`,
  thumbnail: (tenantId: string, fileId: string) => `tenants/${tenantId}/thumbnails/${fileId}.webp`,
};

/** The store the configuration asks for. */
export function createFileStore(config: FileStoreConfig): FileStore {
  return config.kind === 's3' ? createS3FileStore(config) : createLocalFileStore(config.dir);
}
