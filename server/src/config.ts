import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The process roles one Switchboard process can play. */
export type Role = 'api' | 'worker';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** The URL people open; printed at start and used for links. */
  publicUrl: string;
  roles: Role[];
  /** PostgreSQL connection string; absent means embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Connections in the PostgreSQL pool of this process. */
  databasePoolSize: number;
  dataDir: string;
  /** 32-byte key that encrypts channel credentials at rest. */
  secretKey: Buffer;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Create the demo tenant, operators and sandbox channels on first start. */
  demo: boolean;
  bodyLimitBytes: number;
  loginRateLimitPerMinute: number;
  authSessionTtlHours: number;
  /** Where file contents live: a directory on local disk, or an S3-compatible bucket shared by every process. */
  fileStore: FileStoreConfig;
  /** Largest file accepted from an operator, a customer or a channel. */
  maxUploadBytes: number;
  /** Uploads that no message took up are removed after this many minutes. */
  orphanFileMaxAgeMinutes: number;
  /** Meta's Graph API (WhatsApp Cloud API, Messenger): the sandbox's URL in demo mode and tests. */
  graphApi: { baseUrl: string; version: string };
  /**
   * Prometheus `/metrics`: with a token, scrapers send it as a bearer token; without one, only direct loopback
   * requests are answered. `port` adds a listener for the metrics alone (a worker-only process has no other).
   */
  metrics: { token: string | undefined; port: number | undefined };
  /**
   * Outbound webhooks: whether endpoints may be on private, loopback or link-local addresses (by default only in
   * the demo, whose receivers are on the same machine).
   */
  webhooks: { allowPrivateNetworks: boolean };
}

export type FileStoreConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      /** Absent means AWS itself; set for MinIO and other S3-compatible stores. */
      endpoint: string | undefined;
      region: string;
      bucket: string;
      /** Absent means the AWS SDK's own credential chain (instance role, profile). */
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean;
    };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and validates the whole configuration once. Every problem is collected, so an operator fixing a
 * deployment sees them all at once rather than one per restart.
 */
export function loadConfig(env: Env = process.env, cwd = env.INIT_CWD ?? process.cwd()): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const nodeEnv = oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = int('PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) problems.push(`HOST must be a host name or IP address (got "${host}")`);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const dataDir = path.resolve(cwd, env.DATA_DIR || 'data');

  const rolesRaw = (env.ROLES || 'api,worker').split(',').map((r) => r.trim());
  const roles = rolesRaw.filter((r): r is Role => r === 'api' || r === 'worker');
  if (roles.length !== rolesRaw.length || roles.length === 0) {
    problems.push(`ROLES must list api and/or worker, comma-separated (got "${env.ROLES}")`);
  }

  let publicUrl = env.PUBLIC_URL || `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  try {
    publicUrl = new URL(publicUrl).toString().replace(/\/$/, '');
  } catch {
    problems.push(`PUBLIC_URL must be an absolute URL (got "${env.PUBLIC_URL}")`);
  }

  let secretKey = Buffer.alloc(0);
  if (env.SECRET_KEY) {
    secretKey = Buffer.from(env.SECRET_KEY, 'base64');
    if (secretKey.length !== 32)
      problems.push('SECRET_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  } else if (databaseUrl && nodeEnv === 'production') {
    problems.push('SECRET_KEY is required in production with DATABASE_URL (openssl rand -base64 32)');
  }

  const fileStore = readFileStore(env, dataDir, problems, bool);

  let graphApiBaseUrl = env.GRAPH_API_BASE_URL || 'https://graph.facebook.com';
  if (!/^https?:\/\/[^\s]+$/.test(graphApiBaseUrl)) {
    problems.push(`GRAPH_API_BASE_URL must be an http:// or https:// URL (got "${graphApiBaseUrl}")`);
  }
  graphApiBaseUrl = graphApiBaseUrl.replace(/\/+$/, '');
  const graphApiVersion = env.GRAPH_API_VERSION || 'v23.0';
  if (!/^v\d+\.\d+$/.test(graphApiVersion)) {
    problems.push(`GRAPH_API_VERSION must look like v23.0 (got "${graphApiVersion}")`);
  }

  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken && !/^[\x21-\x7e]{16,}$/.test(metricsToken))
    problems.push('METRICS_TOKEN must be at least 16 printable characters without spaces');

  const demo = bool('DEMO', !databaseUrl);
  const config: Config = {
    nodeEnv,
    host,
    port,
    publicUrl,
    roles,
    databaseUrl,
    databasePoolSize: int('DATABASE_POOL_SIZE', 20, 2, 500),
    dataDir,
    secretKey,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    demo,
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    loginRateLimitPerMinute: int('LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, 10_000),
    authSessionTtlHours: int('AUTH_SESSION_TTL_HOURS', 12, 1, 24 * 90),
    fileStore,
    maxUploadBytes: int('MAX_UPLOAD_BYTES', 100 * 1024 * 1024, 1, 4 * 1024 * 1024 * 1024),
    orphanFileMaxAgeMinutes: int('ORPHAN_FILE_MAX_AGE_MINUTES', 24 * 60, 5, 30 * 24 * 60),
    graphApi: { baseUrl: graphApiBaseUrl, version: graphApiVersion },
    metrics: {
      token: metricsToken,
      port: env.METRICS_PORT ? int('METRICS_PORT', 0, 1, 65535) : undefined,
    },
    webhooks: { allowPrivateNetworks: bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', demo) },
  };
  if (problems.length) throw new ConfigError(problems);
  if (config.secretKey.length === 0) config.secretKey = readOrCreateLocalKey(config.dataDir);
  return config;
}

function readFileStore(
  env: Env,
  dataDir: string,
  problems: string[],
  bool: (name: string, fallback: boolean) => boolean,
): FileStoreConfig {
  const kind = env.FILE_STORE || 'local';
  if (kind === 'local') return { kind: 'local', dir: path.join(dataDir, 'files') };
  if (kind !== 's3') {
    problems.push(`FILE_STORE must be one of local, s3 (got "${kind}")`);
    return { kind: 'local', dir: path.join(dataDir, 'files') };
  }
  const endpoint = env.S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    problems.push(`S3_ENDPOINT must be an http:// or https:// URL (got "${endpoint}")`);
  }
  const bucket = env.S3_BUCKET || '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`S3_BUCKET must be a bucket name when FILE_STORE=s3 (got "${bucket}")`);
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  return {
    kind: 's3',
    endpoint,
    region: env.S3_REGION || 'us-east-1',
    bucket,
    accessKeyId,
    secretAccessKey,
    // MinIO and most self-hosted stores address buckets by path, not by host name.
    forcePathStyle: bool('S3_FORCE_PATH_STYLE', Boolean(endpoint)),
  };
}

/**
 * Without SECRET_KEY (trying Switchboard on one machine), the key lives beside the data it protects, so a
 * restart can still read the credentials it stored.
 */
function readOrCreateLocalKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}
