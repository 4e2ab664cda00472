import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { buildMetricsApp } from './metrics/metrics-app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/database.js';
import { createFileStore } from './files/file-store.js';
import { createEngine } from './sessions/create-engine.js';
import { createSecretBox } from './lib/secret-box.js';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_WHATSAPP, seedDemo } from './tenants/seed-demo.js';
import { configureMessenger } from './channels/messenger/messenger-runtime.js';
import { configureWhatsApp } from './channels/whatsapp/whatsapp-runtime.js';
import { configureFiles } from './files/files-runtime.js';
import { configureWebhooks } from './webhooks/webhooks-runtime.js';
import { demoOptions } from '@switchboard/sandbox/demo-config';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Starts the roles asked for (ROLES=api,worker; both by default) on the configured database. */
async function main(): Promise<void> {
  let config = readConfig();
  const logger = pino({ level: config.logLevel });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  await database.migrate();
  const secretBox = createSecretBox(config.secretKey);
  const seeded = config.demo ? await seedDemo(database, secretBox) : false;

  // Demo mode never reaches Meta: the sandbox runs in this process and the Graph API calls go to it.
  const sandbox = config.demo ? await startDemoSandbox(config) : undefined;
  if (sandbox) config = { ...config, graphApi: { ...config.graphApi, baseUrl: sandbox.url } };

  const engine = await createEngine({ database, logger, fileStore: createFileStore(config.fileStore) });
  const { jobs } = engine;
  configureWhatsApp({
    graph: config.graphApi,
    secretBox,
    jobs,
    maxUploadBytes: config.maxUploadBytes,
    fileStore: engine.fileStore,
  });
  configureWebhooks({ secretBox, allowPrivateNetworks: config.webhooks.allowPrivateNetworks });
  configureFiles({ orphanFileMaxAgeMs: config.orphanFileMaxAgeMinutes * 60_000 });
  configureMessenger({
    graph: config.graphApi,
    secretBox,
    jobs,
    fileStore: engine.fileStore,
    maxUploadBytes: config.maxUploadBytes,
    now: engine.now,
  });
  if (config.roles.includes('worker')) {
    await jobs.work();
    engine.outbox.start();
    engine.webhooks.start();
  }

  let app: FastifyInstance | undefined;
  if (config.roles.includes('api')) {
    app = await buildApp({ config, database, secretBox, engine, logger });
    await app.listen({ port: config.port, host: config.host });
  }

  let metricsApp: FastifyInstance | undefined;
  if (config.metrics.port) {
    metricsApp = await buildMetricsApp({ metrics: engine.metrics, token: config.metrics.token, logger });
    await metricsApp.listen({ port: config.metrics.port, host: config.host });
  }

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app?.close();
    await metricsApp?.close();
    await sandbox?.close();
    await engine.outbox.stop();
    await engine.webhooks.stop();
    await jobs.stop();
    await engine.dispatcher.settled();
    await database.close();
  });

  printBanner(config, database.driver, seeded, Boolean(app), sandbox);
}

/** The Meta sandbox with the demo number and page, calling this app's WhatsApp and Messenger webhooks. */
async function startDemoSandbox(config: Config): Promise<RunningSandbox> {
  return startSandbox({
    ...demoOptions({
      appSecret: DEMO_WHATSAPP.appSecret,
      verifyToken: DEMO_WHATSAPP.verifyToken,
      whatsappCallbackUrls: [`${config.publicUrl}/webhooks/whatsapp`],
      messengerCallbackUrls: [`${config.publicUrl}/webhooks/messenger`],
    }),
    port: 0,
    host: '127.0.0.1',
  });
}

function printBanner(
  config: Config,
  driver: string,
  seeded: boolean,
  api: boolean,
  sandbox: RunningSandbox | undefined,
): void {
  const lines = [
    '',
    `  Switchboard is running (${config.roles.join(' + ')}, database: ${driver === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
  ];
  if (api) {
    lines.push(
      '',
      `  Operator workspace   ${config.publicUrl}/`,
      `  API documentation    ${config.publicUrl}/api/docs`,
      `  OpenAPI document     ${config.publicUrl}/api/v1/openapi.json`,
      `  Prometheus metrics   ${config.publicUrl}/metrics`,
    );
  }
  if (config.metrics.port) {
    const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
    lines.push(`  Metrics listener     http://${host}:${config.metrics.port}/metrics`);
  }
  if (config.demo && api) {
    lines.push(`  Web chat demo page   ${config.publicUrl}/demo`);
  }
  if (config.demo) {
    lines.push(
      '',
      `  Demo sign-in (password "${DEMO_PASSWORD}" for all${seeded ? '; created just now' : ''}):`,
    );
    for (const user of DEMO_USERS) lines.push(`    ${user.role.padEnd(10)} ${user.email}`);
  }
  if (sandbox) {
    lines.push(
      '',
      `  Customer phone (Meta sandbox)  ${sandbox.url}/_sandbox/phone/`,
      `  Graph API of the sandbox       ${sandbox.url}`,
    );
  }
  if (driver === 'pglite') {
    lines.push(
      '',
      '  The embedded database is for trying Switchboard and small sites; set DATABASE_URL for production.',
    );
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
