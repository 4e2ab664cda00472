import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { groups, users } from '../src/db/schema.js';
import { insertChannelAccount } from '../src/channels/channel-accounts.repo.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from './factories.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './harness.js';
import { connectSocket, type TestSocket } from './socket-client.js';

export interface EngineFixture {
  tenant: TestTenant;
  /** The web chat widget's public key. */
  key: string;
  channelAccountId: string;
  sessions: Record<string, Session>;
  sockets: Record<string, TestSocket>;
  /** Sets an operator available (through the API, as the workspace does). */
  available(name: 'olga' | 'petr' | 'supervisor'): Promise<void>;
  close(): void;
}

/** A tenant with a web chat widget, its operators signed in with sockets open. Olga is in group A, Petr in B. */
export async function engineFixture(
  t: TestApp,
  options: { groupA?: Partial<typeof groups.$inferInsert>; capacity?: number } = {},
): Promise<EngineFixture> {
  const tenant = await createTestTenant(t.database);
  if (options.groupA)
    await t.database.db.update(groups).set(options.groupA).where(eq(groups.id, tenant.groupA));
  if (options.capacity)
    await t.database.db
      .update(users)
      .set({ capacity: options.capacity })
      .where(eq(users.tenantId, tenant.id));
  const key = `wc-${randomUUID()}`;
  const { id: channelAccountId } = await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: tenant.id,
    channel: 'webchat',
    name: 'Website',
    externalId: key,
  });
  const sessions: Record<string, Session> = {
    olga: await logIn(t.url, tenant.operators[0]!),
    petr: await logIn(t.url, tenant.operators[1]!),
    supervisor: await logIn(t.url, tenant.supervisor),
    admin: await logIn(t.url, tenant.admin),
  };
  const sockets: Record<string, TestSocket> = {};
  for (const name of ['olga', 'petr', 'supervisor'] as const)
    sockets[name] = await connectSocket(t.url, { cookie: sessions[name]!.cookie });
  return {
    tenant,
    key,
    channelAccountId,
    sessions,
    sockets,
    async available(name) {
      const response = await call(t.url, 'PUT', '/api/v1/operators/me/presence', {
        headers: sessions[name]!.headers,
        body: { status: 'available' },
      });
      if (response.status !== 200) throw new Error(`presence: ${response.status}`);
    },
    close() {
      Object.values(sockets).forEach((s) => s.close());
    },
  };
}

/**
 * The set-up engine test files share: one app for the file, and the fixture a test opens, closed after it.
 * `t` is there once the file's tests run.
 */
export function useEngineTestApp(): {
  readonly t: TestApp;
  fixture(options?: Parameters<typeof engineFixture>[1]): Promise<EngineFixture>;
} {
  let app: TestApp | undefined;
  let open: EngineFixture | undefined;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());
  afterEach(() => {
    open?.close();
    open = undefined;
  });
  return {
    get t() {
      if (!app) throw new Error('the test app starts before the tests');
      return app;
    },
    async fixture(options) {
      open = await engineFixture(this.t, options);
      return open;
    },
  };
}
