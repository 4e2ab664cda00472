import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { demoTemplates } from '@switchboard/sandbox/demo-config';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { messages, sessions } from '../../db/schema.js';
import { call, logIn } from '../../../test/factories.js';
import { engineFixture, type EngineFixture } from '../../../test/engine-setup.js';
import { startTestApp, type TestApp } from '../../../test/harness.js';
import type { Actor } from '../../auth/actor.js';
import { configureWhatsApp } from './whatsapp-runtime.js';

/*
 * What the WhatsApp test files share: one sandbox (Meta) and one app per file, a tenant per test with a sandbox
 * number of its own, and the steps a customer and an operator take.
 */

export const APP_SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'test-verify-token';
export const SHEENA = '16505551234';
export const JOAO = '5511987654321';
export const JESS = 'US.13491208655302741918';
export const KAREL = '420777123456';
export const HOUR = 3600_000;

export interface SandboxNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
}

/** A webhook body as Meta sends it for one `messages` change of a number: `value` adds messages, statuses, contacts. */
export function whatsAppWebhook(
  number: Pick<SandboxNumber, 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'>,
  value: Record<string, unknown>,
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: number.displayPhoneNumber,
                phone_number_id: number.phoneNumberId,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export interface WhatsAppKit {
  readonly t: TestApp;
  readonly sandbox: RunningSandbox;
  readonly f: EngineFixture;
  numbers: SandboxNumber[];
  /** A tenant with operators (closed after the test), without a number yet. */
  fixture(): Promise<EngineFixture>;
  /** A sandbox number no test of this file used yet. */
  takeNumber(): SandboxNumber;
  /** A tenant with operators and a connected sandbox number of its own. */
  connectedTenant(): Promise<{ f: EngineFixture; number: SandboxNumber; accountId: string }>;
  inject(number: { phoneNumberId: string }, input: Record<string, unknown>): Promise<{ id: string }>;
  messageByWamid(accountId: string, wamid: string): Promise<typeof messages.$inferSelect | undefined>;
  messagesOf(accountId: string): Promise<(typeof messages.$inferSelect)[]>;
  /** The customer writes, Olga accepts: the active session's id and the first inbound message. */
  activeSession(
    number: { phoneNumberId: string },
    accountId: string,
    from?: string,
  ): Promise<{ sessionId: string; inbound: typeof messages.$inferSelect }>;
  /** Olga's text reply; answers the message id. */
  reply(sessionId: string, text: string, quotedMessageId?: string): Promise<string>;
  statusOf(messageId: string): Promise<typeof messages.$inferSelect>;
  sessionRow(sessionId: string): Promise<typeof sessions.$inferSelect>;
  /** Moves Meta's and the app's clocks together (the app's timers are not released), and signs Olga in again. */
  advanceBoth(ms: number): Promise<void>;
  /** Waits until the number's templates are synced (connecting queues a sync). */
  templatesSynced(accountId: string): Promise<void>;
  sign(body: string): string;
  /** Olga of this test's tenant, as the engine's use cases take her. */
  olga(): Actor;
  /**
   * Runs `run` with a second app instance without the worker role on the same database (PostgreSQL only), then
   * gives the process's WhatsApp runtime back to this file's app.
   */
  withSecondApp(run: (other: TestApp) => Promise<void>): Promise<void>;
}

/**
 * Registers the file's hooks and answers the kit. `salt` (0–9) keeps this file's phone numbers apart from other
 * files' on the shared PostgreSQL test database, even when two files start in the same millisecond.
 */
export function useWhatsAppKit(
  salt: number,
  options: { customers?: Array<{ name: string; waId?: string; phone?: string; bsuid?: string }> } = {},
): WhatsAppKit {
  const prefix = `${String(Date.now()).slice(-8)}${salt}`;
  const numbers: SandboxNumber[] = Array.from({ length: 40 }, (_, i) => ({
    phoneNumberId: `${prefix}${String(i).padStart(2, '0')}`,
    displayPhoneNumber: `1555${prefix.slice(-4)}${String(i).padStart(2, '0')}`,
    wabaId: `9${prefix}`,
    accessToken: `token-${i}`,
  }));
  let t: TestApp | undefined;
  let sandbox: RunningSandbox | undefined;
  let f: EngineFixture | undefined;
  let nextNumber = 0;
  const callbackUrls: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      control: true,
      retryDelaysMs: [200, 400],
      app: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, whatsappCallbackUrls: callbackUrls },
      whatsapp: {
        numbers,
        customers: [
          { waId: SHEENA, name: 'Sheena Nelson' },
          { waId: JOAO, phone: '551187654321', name: 'João Silva' },
          { bsuid: JESS, name: 'Jess', username: 'jess.design' },
          { waId: KAREL, name: 'Karel Novák' },
          ...(options.customers ?? []),
        ],
        templates: demoTemplates,
      },
      switches: { statusProgression: 'none' },
    });
    t = await startTestApp({ config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0' } });
    // The sandbox reads its callback list at delivery time: the app's URL is known only now.
    callbackUrls.push(`${t.url}/webhooks/whatsapp`);
  });
  afterAll(async () => {
    // The sandbox first, once its deliveries are done: a webhook the app were still answering when it closes would
    // keep that connection, and the close, waiting until the connection's keep-alive timeout (72 s).
    await sandbox?.idle();
    await sandbox?.close();
    await t?.close();
  });
  afterEach(() => {
    f?.close();
    f = undefined;
    sandbox?.setSwitches({
      statusProgression: 'none',
      statusBeforeResponse: false,
      duplicate: false,
      reorder: false,
      batchSize: 1,
      windowMode: 'async',
    });
  });

  const kit: WhatsAppKit = {
    get t() {
      return t!;
    },
    get sandbox() {
      return sandbox!;
    },
    get f() {
      return f!;
    },
    numbers,
    async fixture() {
      f = await engineFixture(t!);
      return f;
    },
    takeNumber: () => numbers[nextNumber++]!,
    async connectedTenant() {
      f = await engineFixture(t!);
      const number = numbers[nextNumber++]!;
      const connected = await call(t!.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
        headers: f.sessions.admin!.headers,
        body: { name: 'Support line', ...number, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
      });
      expect(connected.status).toBe(201);
      return { f, number, accountId: connected.body.id as string };
    },
    async inject(number, input) {
      const result = await sandbox!.injectWhatsApp({
        phone_number_id: number.phoneNumberId,
        ...input,
      } as never);
      await sandbox!.idle();
      return result;
    },
    async messageByWamid(accountId, wamid) {
      const [row] = await t!.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.channelAccountId, accountId), eq(messages.channelMessageId, wamid)));
      return row;
    },
    async messagesOf(accountId) {
      return t!.database.db
        .select()
        .from(messages)
        .where(eq(messages.channelAccountId, accountId))
        .orderBy(messages.position);
    },
    async activeSession(number, accountId, from = SHEENA) {
      await f!.available('olga');
      const first = await kit.inject(number, { from, type: 'text', text: { body: `I need help (${from})` } });
      const offer = await f!.sockets.olga!.waitFor(
        (e) =>
          e.name === 'offer.created' &&
          (e.payload as { session: { firstMessage: string } }).session.firstMessage ===
            `I need help (${from})`,
      );
      const accepted = await call(
        t!.url,
        'POST',
        `/api/v1/offers/${(offer.payload as { id: string }).id}/accept`,
        {
          headers: f!.sessions.olga!.headers,
        },
      );
      expect(accepted.status).toBe(200);
      const sessionId = accepted.body.id as string;
      // The "joined" system message goes to the customer too: let it be sent before the test's own sends.
      await expect
        .poll(
          async () => {
            const rows = await t!.database.db
              .select()
              .from(messages)
              .where(eq(messages.sessionId, sessionId));
            return rows.filter((m) => m.direction === 'out' && m.status === 'sending').length;
          },
          { timeout: 15_000 },
        )
        .toBe(0);
      return { sessionId, inbound: (await kit.messageByWamid(accountId, first.id))! };
    },
    async reply(sessionId, text, quotedMessageId) {
      const sent = await call(t!.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: f!.sessions.olga!.headers,
        body: { text, ...(quotedMessageId ? { quotedMessageId } : {}) },
      });
      expect(sent.status).toBe(201);
      return sent.body.id as string;
    },
    async statusOf(messageId) {
      const [row] = await t!.database.db.select().from(messages).where(eq(messages.id, messageId));
      return row!;
    },
    async sessionRow(sessionId) {
      const [row] = await t!.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
      return row!;
    },
    async advanceBoth(ms) {
      sandbox!.advanceClock(ms);
      t!.clock.set(new Date(t!.clock.now().getTime() + ms));
      // Sign-ins last 12 hours.
      if (f) f.sessions.olga = await logIn(t!.url, f.tenant.operators[0]!);
    },
    async templatesSynced(accountId) {
      await expect
        .poll(
          async () => {
            const rows = await call(
              t!.url,
              'GET',
              `/api/v1/channel-accounts/${accountId}/whatsapp-templates`,
              {
                headers: f!.sessions.olga!.headers,
              },
            );
            return rows.body.items?.length;
          },
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0);
    },
    sign: (body) => `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`,
    olga() {
      const olga = f!.tenant.operators[0]!;
      return {
        kind: 'user',
        tenantId: f!.tenant.id,
        id: olga.id,
        name: 'Olga',
        role: 'operator',
        groupIds: [f!.tenant.groupA],
      };
    },
    async withSecondApp(run) {
      const other = await startTestApp({
        worker: false,
        config: { GRAPH_API_BASE_URL: sandbox!.url, GRAPH_API_VERSION: 'v23.0' },
      });
      try {
        await run(other);
      } finally {
        await other.close();
        // The second app configured the process's WhatsApp runtime with its own queue: give it back.
        configureWhatsApp({
          graph: t!.config.graphApi,
          secretBox: t!.secretBox,
          jobs: t!.engine.jobs,
          maxUploadBytes: t!.config.maxUploadBytes,
          fileStore: t!.engine.fileStore,
        });
      }
    },
  };
  return kit;
}
