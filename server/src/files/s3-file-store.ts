import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { FileStoreConfig } from '../config.js';
import { assertStorageKey, FileMissingError, storageKeys, type FileStore } from './file-store.js';

type S3Config = Extract<FileStoreConfig, { kind: 's3' }>;

/** S3 wants parts of at least 5 MiB (but the last); a part is the most one upload holds in memory. */
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, …), shared by every app process. A stream of unknown length
 * goes up as a multipart upload, one part in memory at a time; a small one as a single PUT.
 */
export function createS3FileStore(config: S3Config, options: { partBytes?: number } = {}): FileStore {
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId && config.secretAccessKey
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
    // Checksums only where S3 demands them: several S3-compatible stores reject the newer default trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = config.bucket;
  const notFound = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  };

  return {
    async put(key, body, putOptions = {}) {
      assertStorageKey(key);
      const ContentType = putOptions.contentType;
      let uploadId: string | undefined;
      const parts: { ETag: string; PartNumber: number }[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let size = 0;
      const flushPart = async () => {
        if (!uploadId) {
          const created = await client.send(
            new CreateMultipartUploadCommand({ Bucket, Key: key, ...(ContentType ? { ContentType } : {}) }),
          );
          uploadId = created.UploadId!;
        }
        const PartNumber = parts.length + 1;
        const Body = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        const result = await client.send(
          new UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber, Body }),
        );
        parts.push({ ETag: result.ETag!, PartNumber });
      };
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          size += chunk.length;
          if (pendingBytes >= partBytes) await flushPart();
        }
        if (!uploadId) {
          await client.send(
            new PutObjectCommand({
              Bucket,
              Key: key,
              Body: Buffer.concat(pending, pendingBytes),
              ContentLength: pendingBytes,
              ...(ContentType ? { ContentType } : {}),
            }),
          );
        } else {
          if (pendingBytes > 0) await flushPart();
          await client.send(
            new CompleteMultipartUploadCommand({
              Bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
            }),
          );
        }
      } catch (error) {
        if (uploadId) {
          await client
            .send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }))
            .catch(() => {});
        }
        throw error;
      }
      return { size };
    },
    async get(key, range) {
      assertStorageKey(key);
      try {
        const result = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        return result.Body as Readable;
      } catch (error) {
        if (notFound(error)) throw new FileMissingError(key);
        throw error;
      }
    },
    async stat(key) {
      assertStorageKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async move(from, to) {
      assertStorageKey(from);
      assertStorageKey(to);
      await client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource: `${Bucket}/${from}` }));
      await client.send(new DeleteObjectCommand({ Bucket, Key: from }));
    },
    async delete(key) {
      assertStorageKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async removeTemporary(olderThan) {
      const Prefix = storageKeys.temporaryPrefix;
      let removed = 0;
      // Whole objects under tmp/: the process stopped between writing an upload and moving it to its key.
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
        for (const object of page.Contents ?? []) {
          if (!object.Key || !object.LastModified || object.LastModified >= olderThan) continue;
          await client.send(new DeleteObjectCommand({ Bucket, Key: object.Key }));
          removed += 1;
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      // Multipart uploads never completed nor aborted: the process stopped mid-upload. S3 keeps (and bills)
      // their parts until they are aborted.
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new ListMultipartUploadsCommand({ Bucket, Prefix, KeyMarker, UploadIdMarker }),
          );
        } catch (error) {
          // Some S3-compatible servers cannot list uploads; an expiry rule on the bucket does it there.
          if ((error as { name?: string }).name === 'NotImplemented') return removed;
          throw error;
        }
        for (const upload of page.Uploads ?? []) {
          if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= olderThan) continue;
          await client.send(
            new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }),
          );
          removed += 1;
        }
        KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (KeyMarker);
      return removed;
    },
  };
}
