import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = '/tmp/switchboard-config-test';

describe('configuration', () => {
  it('starts with no configuration at all: embedded database, port 3000, both roles, demo on', () => {
    const config = loadConfig({}, dir);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      roles: ['api', 'worker'],
      databaseUrl: undefined,
      demo: true,
    });
    expect(config.dataDir).toBe(`${dir}/data`);
    expect(config.secretKey).toHaveLength(32);
    // The generated key is kept, so a restart reads what it stored.
    expect(loadConfig({}, dir).secretKey.equals(config.secretKey)).toBe(true);
  });

  it('turns the demo off by default on PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/switchboard' }, dir).demo).toBe(false);
  });

  it('lets outbound webhooks reach private networks in the demo only, unless told', () => {
    expect(loadConfig({}, dir).webhooks).toEqual({ allowPrivateNetworks: true });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/switchboard' }, dir).webhooks).toEqual({
      allowPrivateNetworks: false,
    });
    expect(loadConfig({ DEMO: 'false', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, dir).webhooks).toEqual({
      allowPrivateNetworks: true,
    });
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe' }, dir)).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_NETWORKS/,
    );
  });

  it('collects every problem instead of stopping at the first', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        {
          PORT: '70000',
          DATABASE_URL: 'mysql://x',
          SECRET_KEY: 'c2hvcnQ=',
          DEMO: 'maybe',
          PUBLIC_URL: 'not a url',
          NODE_ENV: 'prod',
        },
        dir,
      );
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toHaveLength(6);
    expect(error!.message).toContain('PORT must be a whole number from 0 to 65535 (got "70000")');
  });

  it('requires an encryption key in production on PostgreSQL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' }, dir)).toThrow(
      /SECRET_KEY is required/,
    );
  });

  it('reads the metrics token and port, and refuses a short token or a bad port', () => {
    expect(loadConfig({}, dir).metrics).toEqual({ token: undefined, port: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token', METRICS_PORT: '9464' }, dir).metrics).toEqual({
      token: 'a-long-enough-token',
      port: 9464,
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short', METRICS_PORT: '0' }, dir)).toThrow(
      expect.objectContaining({
        problems: [
          'METRICS_TOKEN must be at least 16 printable characters without spaces',
          'METRICS_PORT must be a whole number from 1 to 65535 (got "0")',
        ],
      }),
    );
  });
});
