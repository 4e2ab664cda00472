import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFilesTestApp, upload } from '../../test/file-helpers.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestChannelAccount, createTestSession } from '../../test/session-factory.js';
import { auditLog, contacts, files, messages, sessionEvents, sessions } from '../db/schema.js';
import type { FileStore } from '../files/file-store.js';
import { attachFiles } from '../files/files.repo.js';
import { deleteExpiredSessions, deleteExpiredSessionsJob } from './delete-expired-sessions.js';

const DAY = 24 * 3_600_000;

let t: TestApp & { fileStore: FileStore };
beforeAll(async () => {
  t = await startFilesTestApp();
});
afterAll(() => t?.close());

// The app's clock stands still for the run; the sessions are made older instead of the clock moved on, so
// that tenants of other tests sharing the database keep their fresh sessions.
const now = new Date();
const run = (options: { batchSize?: number } = {}) =>
  deleteExpiredSessions({ database: t.database, fileStore: t.fileStore, now: () => now }, options);

async function setRetention(admin: Session, retentionDays: number | null) {
  const response = await call(t.url, 'PATCH', '/api/v1/tenant/settings', {
    headers: admin.headers,
    body: { retentionDays },
  });
  expect(response.status).toBe(200);
  expect(response.body.retentionDays).toBe(retentionDays);
}

/** A session with a message, a timeline entry and an uploaded file sent in the message, `endedDaysAgo` or open. */
async function sessionWithFile(
  tenant: TestTenant,
  operator: Session,
  options: { endedDaysAgo: number | null; startedDaysAgo: number; contactId?: string },
) {
  const session = await createTestSession(t.database, tenant, {
    operatorId: tenant.operators[0]!.id,
    messages: ['Hello, my address is Main Street 1'],
    ...(options.contactId ? { contactId: options.contactId } : {}),
  });
  const uploaded = await upload(t.url, session.id, operator.headers, [
    { name: 'invoice.txt', data: 'private' },
  ]);
  expect(uploaded.status).toBe(201);
  const fileId = (uploaded.body.items as Array<{ id: string }>)[0]!.id;
  const [message] = await t.database.db
    .insert(messages)
    .values({
      tenantId: tenant.id,
      sessionId: session.id,
      channelAccountId: session.channelAccountId,
      direction: 'out',
      authorKind: 'operator',
      status: 'sent',
    })
    .returning();
  await attachFiles(t.database.db, tenant.id, { sessionId: session.id, messageId: message!.id }, [fileId]);
  await t.database.db
    .insert(sessionEvents)
    .values({ tenantId: tenant.id, sessionId: session.id, type: 'accepted', actorKind: 'operator' });
  const startedAt = new Date(now.getTime() - options.startedDaysAgo * DAY);
  await t.database.db
    .update(sessions)
    .set({
      createdAt: startedAt,
      queuedAt: startedAt,
      ...(options.endedDaysAgo === null
        ? {}
        : { state: 'ended' as const, endedAt: new Date(now.getTime() - options.endedDaysAgo * DAY) }),
    })
    .where(eq(sessions.id, session.id));
  return { id: session.id, contactId: session.contactId, fileId };
}

const sessionExists = async (id: string) =>
  (await t.database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id))).length === 1;
const messagesOf = async (id: string) =>
  (await t.database.db.select({ id: messages.id }).from(messages).where(eq(messages.sessionId, id))).length;
const fileContent = (admin: Session, fileId: string) =>
  call(t.url, 'GET', `/api/v1/files/${fileId}/content`, { headers: admin.headers });

describe('retention of ended sessions', () => {
  it('deletes sessions ended longer ago than the period with their messages and files, and nothing else', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const operator = await logIn(t.url, tenant.operators[0]!);
    await setRetention(admin, 30);

    const expired = await sessionWithFile(tenant, operator, { startedDaysAgo: 41, endedDaysAgo: 40 });
    const [stored] = await t.database.db.select().from(files).where(eq(files.id, expired.fileId));
    expect(stored!.storageKey).toBeTruthy();
    expect(await t.fileStore.stat(stored!.storageKey!)).toBeTruthy();
    expect((await fileContent(admin, expired.fileId)).status).toBe(200);
    // The same customer: a session ended ten days ago, and one still open that began two months ago (on
    // another channel account: one open session per contact and account).
    const recent = await sessionWithFile(tenant, operator, {
      startedDaysAgo: 11,
      endedDaysAgo: 10,
      contactId: expired.contactId,
    });
    const otherAccount = await createTestChannelAccount(t.database, tenant);
    const open = await createTestSession(t.database, tenant, {
      contactId: expired.contactId,
      channelAccountId: otherAccount.id,
      operatorId: tenant.operators[0]!.id,
      messages: ['Still here'],
    });
    await t.database.db
      .update(sessions)
      .set({ createdAt: new Date(now.getTime() - 60 * DAY) })
      .where(eq(sessions.id, open.id));

    const results = await run();

    expect(results.get(tenant.id)).toEqual({ sessions: 1, messages: 2, files: 1 });
    expect(await sessionExists(expired.id)).toBe(false);
    expect(await messagesOf(expired.id)).toBe(0);
    const events = await t.database.db
      .select()
      .from(sessionEvents)
      .where(eq(sessionEvents.sessionId, expired.id));
    expect(events).toHaveLength(0);
    expect(await t.database.db.select().from(files).where(eq(files.id, expired.fileId))).toHaveLength(0);
    expect(await t.fileStore.stat(stored!.storageKey!)).toBeUndefined();
    const gone = await fileContent(admin, expired.fileId);
    expect(gone.status).toBe(404);

    for (const kept of [recent.id, open.id]) {
      expect(await sessionExists(kept)).toBe(true);
      expect(await messagesOf(kept)).toBeGreaterThan(0);
    }
    expect((await fileContent(admin, recent.fileId)).status).toBe(200);
    const contact = await t.database.db.select().from(contacts).where(eq(contacts.id, expired.contactId));
    expect(contact[0]!.name).toBe('Karel Zákazník');

    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'retention.delete_sessions')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorKind: 'system',
      actorId: null,
      data: { retentionDays: 30, sessions: 1, messages: 2, files: 1 },
    });

    // A second run finds nothing more to delete and writes no audit entry.
    expect((await run()).get(tenant.id)).toEqual({ sessions: 0, messages: 0, files: 0 });
    const after = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'retention.delete_sessions')));
    expect(after).toHaveLength(1);
  });

  it('leaves tenants without a period alone, and one tenant’s period does not apply to another', async () => {
    const forever = await createTestTenant(t.database);
    const foreverOperator = await logIn(t.url, forever.operators[0]!);
    const yearly = await createTestTenant(t.database);
    const yearlyAdmin = await logIn(t.url, yearly.admin);
    const yearlyOperator = await logIn(t.url, yearly.operators[0]!);
    const strict = await createTestTenant(t.database);
    await setRetention(await logIn(t.url, strict.admin), 1);
    await setRetention(yearlyAdmin, 365);
    // Set and cleared again: "keep forever".
    const foreverAdmin = await logIn(t.url, forever.admin);
    await setRetention(foreverAdmin, 30);
    await setRetention(foreverAdmin, null);

    const ancient = await sessionWithFile(forever, foreverOperator, {
      startedDaysAgo: 3000,
      endedDaysAgo: 2999,
    });
    const monthOld = await sessionWithFile(yearly, yearlyOperator, { startedDaysAgo: 41, endedDaysAgo: 40 });

    const results = await run();

    expect(results.has(forever.id)).toBe(false);
    expect(results.get(yearly.id)).toEqual({ sessions: 0, messages: 0, files: 0 });
    expect(await sessionExists(ancient.id)).toBe(true);
    expect(await messagesOf(ancient.id)).toBe(2);
    expect((await fileContent(foreverAdmin, ancient.fileId)).status).toBe(200);
    expect(await sessionExists(monthOld.id)).toBe(true);
    expect((await fileContent(yearlyAdmin, monthOld.fileId)).status).toBe(200);
  });

  it('works off a backlog in batches, each with its audit entry, as the scheduled job', async () => {
    const tenant = await createTestTenant(t.database);
    await setRetention(await logIn(t.url, tenant.admin), 7);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const session = await createTestSession(t.database, tenant, { state: 'ended', messages: [`m${i}`] });
      await t.database.db
        .update(sessions)
        .set({
          createdAt: new Date(now.getTime() - 20 * DAY),
          endedAt: new Date(now.getTime() - (10 + i) * DAY),
        })
        .where(eq(sessions.id, session.id));
      ids.push(session.id);
    }
    expect((await run({ batchSize: 2 })).get(tenant.id)).toEqual({ sessions: 5, messages: 5, files: 0 });
    for (const id of ids) expect(await sessionExists(id)).toBe(false);
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'retention.delete_sessions')));
    expect(audit.map((a) => (a.data as { sessions: number }).sessions).sort()).toEqual([1, 2, 2]);

    // The job the worker runs on its schedule does the same.
    const later = await createTestSession(t.database, tenant, { state: 'ended' });
    await t.database.db
      .update(sessions)
      .set({ createdAt: new Date(now.getTime() - 9 * DAY), endedAt: new Date(now.getTime() - 8 * DAY) })
      .where(eq(sessions.id, later.id));
    expect(deleteExpiredSessionsJob.schedule).toBeTruthy();
    await deleteExpiredSessionsJob.handle(
      { database: t.database, fileStore: t.fileStore, now: () => now },
      {},
      { id: 'test', retryCount: 0 },
    );
    expect(await sessionExists(later.id)).toBe(false);
  });
});
