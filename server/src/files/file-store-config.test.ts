import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigError } from '../config.js';

const dir = '/tmp/switchboard-config-test';
const key = { SECRET_KEY: Buffer.alloc(32, 1).toString('base64') };

describe('file storage configuration', () => {
  it('defaults to local disk under the data directory and a 100 MB upload limit', () => {
    const config = loadConfig(key, dir);
    expect(config.fileStore).toEqual({ kind: 'local', dir: `${dir}/data/files` });
    expect(config.maxUploadBytes).toBe(100 * 1024 * 1024);
  });

  it('reads an S3-compatible store; path-style addressing is on when an endpoint is given', () => {
    const config = loadConfig(
      {
        ...key,
        FILE_STORE: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_BUCKET: 'switchboard-files',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
        MAX_UPLOAD_BYTES: '1048576',
      },
      dir,
    );
    expect(config.fileStore).toEqual({
      kind: 's3',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'switchboard-files',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    expect(config.maxUploadBytes).toBe(1048576);
    expect(
      loadConfig({ ...key, FILE_STORE: 's3', S3_BUCKET: 'b-on-aws', S3_REGION: 'eu-central-1' }, dir)
        .fileStore,
    ).toMatchObject({ endpoint: undefined, region: 'eu-central-1', forcePathStyle: false });
  });

  it('lists every problem with the file settings', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        {
          ...key,
          FILE_STORE: 's3',
          S3_ENDPOINT: 'minio:9000',
          S3_BUCKET: 'No_Such Bucket',
          S3_ACCESS_KEY_ID: 'id',
          MAX_UPLOAD_BYTES: '0',
        },
        dir,
      );
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toHaveLength(4);
    expect(() => loadConfig({ ...key, FILE_STORE: 'ftp' }, dir)).toThrow(
      /FILE_STORE must be one of local, s3/,
    );
  });
});
