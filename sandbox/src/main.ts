import { demoAccounts, demoOptions } from './demo-config.js';
import type { WindowMode } from './options.js';
import { startSandbox } from './sandbox.js';

/** Settings read once from the environment; a bad value stops the start with the list of problems. */
function readEnv(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const list = (value: string | undefined) =>
    value
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const port = Number(env.SANDBOX_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`SANDBOX_PORT must be a port, not ${env.SANDBOX_PORT}`);
  const windowMode = (env.SANDBOX_WINDOW_MODE ?? 'async') as WindowMode;
  if (windowMode !== 'async' && windowMode !== 'sync')
    problems.push('SANDBOX_WINDOW_MODE must be async or sync');
  const control = (env.SANDBOX_CONTROL ?? 'true') !== 'false' && env.SANDBOX_CONTROL !== '0';
  if (problems.length > 0) {
    console.error(`sandbox: invalid environment\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  return {
    port,
    host: env.SANDBOX_HOST ?? '127.0.0.1',
    publicUrl: env.SANDBOX_PUBLIC_URL,
    appSecret: env.SANDBOX_APP_SECRET ?? 'sandbox-app-secret',
    verifyToken: env.SANDBOX_VERIFY_TOKEN ?? 'sandbox-verify-token',
    whatsappCallbackUrls: list(env.SANDBOX_WHATSAPP_WEBHOOK_URL),
    messengerCallbackUrls: list(env.SANDBOX_MESSENGER_WEBHOOK_URL),
    control,
    windowMode,
    logger: env.SANDBOX_LOG === 'true',
  };
}

const config = readEnv(process.env);
const options = demoOptions(config);
const sandbox = await startSandbox({
  ...options,
  control: config.control,
  switches: { ...options.switches, windowMode: config.windowMode },
  port: config.port,
  host: config.host,
  publicUrl: config.publicUrl,
  logger: config.logger,
});

console.log(`Meta sandbox listening on ${sandbox.url}`);
console.log(`  Graph API base URL:   ${sandbox.url}/v23.0`);
console.log(
  `  WhatsApp:             phone_number_id ${demoAccounts.phoneNumberId}, token ${demoAccounts.whatsappToken}`,
);
console.log(`  Messenger:            page ${demoAccounts.pageId}, token ${demoAccounts.pageToken}`);
if (config.control) console.log(`  Customer phone:       ${sandbox.url}/_sandbox/phone/`);
if (config.whatsappCallbackUrls.length + config.messengerCallbackUrls.length === 0) {
  console.log(
    '  No webhook URLs set (SANDBOX_WHATSAPP_WEBHOOK_URL / SANDBOX_MESSENGER_WEBHOOK_URL): events are not delivered.',
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
