import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/database.js';
import { createFileStore } from './files/file-store.js';
import { createEngine } from './sessions/create-engine.js';
import { createSecretBox } from './lib/secret-box.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './tenants/seed-demo.js';

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
  const config = readConfig();
  const logger = pino({ level: config.logLevel });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const secretBox = createSecretBox(config.secretKey);
  const seeded = config.demo ? await seedDemo(database, secretBox) : false;

  const engine = await createEngine({ database, logger, fileStore: createFileStore(config.fileStore) });
  const { jobs } = engine;
  if (config.roles.includes('worker')) await jobs.work();

  let app: FastifyInstance | undefined;
  if (config.roles.includes('api')) {
    app = await buildApp({ config, database, secretBox, engine, logger });
    await app.listen({ port: config.port, host: config.host });
  }

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app?.close();
    await jobs.stop();
    await database.close();
  });

  printBanner(config, database.driver, seeded, Boolean(app));
}

function printBanner(config: Config, driver: string, seeded: boolean, api: boolean): void {
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
    );
  }
  if (config.demo) {
    lines.push(
      '',
      `  Demo sign-in (password "${DEMO_PASSWORD}" for all${seeded ? '; created just now' : ''}):`,
    );
    for (const user of DEMO_USERS) lines.push(`    ${user.role.padEnd(10)} ${user.email}`);
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
