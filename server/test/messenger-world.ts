import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { messages } from '../src/db/schema.js';
import { engineFixture, type EngineFixture } from './engine-setup.js';
import { call } from './factories.js';
import { startTestApp, type TestApp, type TestClock } from './harness.js';

export const MESSENGER_APP_SECRET = 'messenger-test-app-secret';
export const MESSENGER_VERIFY_TOKEN = 'messenger-test-verify-token';

type InjectInput = Parameters<RunningSandbox['injectMessenger']>[0];

export interface MessengerTenant {
  f: EngineFixture;
  page: { pageId: string; name: string; pageAccessToken: string };
  accountId: string;
  /** A new customer of this Page in the sandbox; answers the PSID. */
  customer(firstName?: string, lastName?: string, extra?: { profileAvailable?: boolean }): string;
}

export interface MessengerWorld {
  t: TestApp;
  sandbox: RunningSandbox;
  /** A tenant with operators and a sandbox Page of its own, connected through the admin API. */
  tenant(settings?: { warnBeforeMinutes?: number; inactivityMinutes?: number }): Promise<MessengerTenant>;
  /** A customer event, delivered (retries included) before it resolves. */
  inject(input: InjectInput): Promise<{ mid: string; event: Record<string, unknown> }>;
  messagesOf(accountId: string): Promise<Array<typeof messages.$inferSelect>>;
  messageByMid(accountId: string, mid: string): Promise<typeof messages.$inferSelect | undefined>;
  /** The customer writes, Olga accepts; resolves when the "joined" message has gone out. */
  activeSession(tenant: MessengerTenant, psid: string, text: string): Promise<string>;
  reply(tenant: MessengerTenant, sessionId: string, text: string, quotedMessageId?: string): Promise<string>;
  /** Waits until no outbound message of the session is still being sent. */
  drained(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The application and the Meta sandbox over real HTTP, the sandbox calling the app's Messenger webhook. With a
 * test clock both run on it, so the 24-hour and 7-day windows and the 168-hour end can be walked through.
 */
export async function startMessengerWorld(options: { clock?: TestClock } = {}): Promise<MessengerWorld> {
  // Page ids unique to this run: the PostgreSQL test database is shared between runs and files.
  const prefix = `${String(Date.now()).slice(-9)}${Math.floor(Math.random() * 90 + 10)}`;
  const pages = Array.from({ length: 30 }, (_, i) => ({
    pageId: `7${prefix}${String(i).padStart(2, '0')}`,
    name: `Support Page ${i}`,
    pageAccessToken: `page-token-${prefix}-${i}`,
  }));
  const callbackUrls: string[] = [];
  const clock = options.clock;
  const sandbox = await startSandbox({
    port: 0,
    control: true,
    retryDelaysMs: [200, 400],
    ...(clock
      ? {
          clock: {
            now: () => clock.now().getTime(),
            advance: (ms: number) => clock.set(new Date(clock.now().getTime() + ms)),
          },
        }
      : {}),
    app: {
      appSecret: MESSENGER_APP_SECRET,
      verifyToken: MESSENGER_VERIFY_TOKEN,
      messengerCallbackUrls: callbackUrls,
    },
    messenger: { pages },
    switches: { statusProgression: 'none' },
  });
  const t = await startTestApp({
    ...(clock ? { clock } : {}),
    // Operators stay signed in while a test walks the clock through days.
    config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0', AUTH_SESSION_TTL_HOURS: '720' },
  });
  // The sandbox reads its callback list at delivery time: the app's URL is known only now.
  callbackUrls.push(`${t.url}/webhooks/messenger`);
  let nextPage = 0;
  const fixtures: EngineFixture[] = [];

  const messagesOf = (accountId: string) =>
    t.database.db
      .select()
      .from(messages)
      .where(eq(messages.channelAccountId, accountId))
      .orderBy(messages.position);

  const world: MessengerWorld = {
    t,
    sandbox,
    async tenant(settings = {}) {
      const f = await engineFixture(t);
      fixtures.push(f);
      const page = pages[nextPage++]!;
      const connected = await call(t.url, 'POST', '/api/v1/channel-accounts/messenger', {
        headers: f.sessions.admin!.headers,
        body: {
          name: page.name,
          pageId: page.pageId,
          pageAccessToken: page.pageAccessToken,
          appSecret: MESSENGER_APP_SECRET,
          verifyToken: MESSENGER_VERIFY_TOKEN,
          ...settings,
        },
      });
      expect(connected.status).toBe(201);
      return {
        f,
        page,
        accountId: connected.body.id as string,
        customer: (firstName = 'Peter', lastName = 'Chang', extra = {}) =>
          sandbox.addMessengerCustomer({ pageId: page.pageId, firstName, lastName, ...extra }).id,
      };
    },
    async inject(input) {
      const result = await sandbox.injectMessenger(input);
      await sandbox.idle();
      return result;
    },
    messagesOf,
    async messageByMid(accountId, mid) {
      const [row] = await t.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.channelAccountId, accountId), eq(messages.channelMessageId, mid)));
      return row;
    },
    async activeSession(tenant, psid, text) {
      await tenant.f.available('olga');
      await world.inject({ psid, text });
      const offer = await tenant.f.sockets.olga!.waitFor(
        (e) =>
          e.name === 'offer.created' &&
          (e.payload as { session: { firstMessage: string } }).session.firstMessage === text,
      );
      const accepted = await call(
        t.url,
        'POST',
        `/api/v1/offers/${(offer.payload as { id: string }).id}/accept`,
        {
          headers: tenant.f.sessions.olga!.headers,
        },
      );
      expect(accepted.status).toBe(200);
      await world.drained(accepted.body.id);
      return accepted.body.id as string;
    },
    async reply(tenant, sessionId, text, quotedMessageId) {
      const sent = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: tenant.f.sessions.olga!.headers,
        body: { text, ...(quotedMessageId ? { quotedMessageId } : {}) },
      });
      expect(sent.status).toBe(201);
      return sent.body.id as string;
    },
    async drained(sessionId) {
      await expect
        .poll(
          async () => {
            const rows = await t.database.db.select().from(messages).where(eq(messages.sessionId, sessionId));
            return rows.filter((m) => m.direction === 'out' && m.status === 'sending').length;
          },
          { timeout: 15_000 },
        )
        .toBe(0);
      await sandbox.idle();
    },
    async close() {
      fixtures.forEach((f) => f.close());
      // The sandbox first, once its deliveries are done: a webhook the app were still answering when it closes would
      // keep that connection, and the close, waiting until the connection's keep-alive timeout (72 s).
      await sandbox?.idle();
      await sandbox?.close();
      await t?.close();
    },
  };
  return world;
}
