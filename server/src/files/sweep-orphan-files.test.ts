import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../../test/s3-server.js';
import { startFilesTestApp, upload } from '../../test/file-helpers.js';
import { createTestTenant, logIn, type Session } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';
import { files, messages } from '../db/schema.js';
import { storageKeys, type FileStore } from './file-store.js';
import { attachFiles } from './files.repo.js';
import { sweepOrphanFiles } from './sweep-orphan-files.js';

const HOUR = 3_600_000;

for (const store of ['local', 's3'] as const) {
  describe(`orphan sweep (${store} store)`, () => {
    let s3: S3Server | undefined;
    let t: TestApp & { fileStore: FileStore };
    let operator: Session;
    let session: Awaited<ReturnType<typeof createTestSession>>;

    beforeAll(async () => {
      s3 = store === 's3' ? await startS3Server() : undefined;
      // The age comes from the configuration: two hours.
      t = await startFilesTestApp({ config: { ...(s3?.env ?? {}), ORPHAN_FILE_MAX_AGE_MINUTES: '120' } });
      const tenant = await createTestTenant(t.database);
      operator = await logIn(t.url, tenant.operators[0]!);
      session = await createTestSession(t.database, tenant, { operatorId: tenant.operators[0]!.id });
    });
    afterAll(async () => {
      await t?.close();
      await s3?.close();
    });

    const row = async (id: string) => (await t.database.db.select().from(files).where(eq(files.id, id)))[0];
    const sweepAt = (now: Date) =>
      sweepOrphanFiles.handle(
        { database: t.database, fileStore: t.fileStore, now: () => now },
        {},
        { id: 'test', retryCount: 0 },
      );

    it('removes uploads never sent after the configured age, from the store and the database', async () => {
      const uploaded = await upload(t.url, session.id, operator.headers, [
        { name: 'never-sent.txt', data: 'draft' },
        { name: 'sent.txt', data: 'in a message' },
      ]);
      expect(uploaded.status).toBe(201);
      const [orphan, sent] = uploaded.body.items as Array<{ id: string }>;
      const [message] = await t.database.db
        .insert(messages)
        .values({
          tenantId: session.tenantId,
          sessionId: session.id,
          channelAccountId: session.channelAccountId,
          direction: 'out',
          authorKind: 'operator',
          status: 'sent',
        })
        .returning();
      await attachFiles(t.database.db, session.tenantId, { sessionId: session.id, messageId: message!.id }, [
        sent!.id,
      ]);
      const orphanRow = (await row(orphan!.id))!;
      const sentRow = (await row(sent!.id))!;
      // A thumbnail left behind would be an orphan of the orphan.
      const thumbnailKey = storageKeys.thumbnail(session.tenantId, orphan!.id);
      await t.fileStore.put(thumbnailKey, Readable.from([Buffer.from('webp')]));

      // The uploads are made older rather than the clock moved on: a sweep at a later time would also take
      // the fresh uploads of other tests sharing the database.
      const age = (id: string, ms: number) =>
        t.database.db
          .update(files)
          .set({ createdAt: new Date(Date.now() - ms) })
          .where(eq(files.id, id));
      await age(sent!.id, 30 * 24 * HOUR);

      // Younger than two hours: kept.
      await age(orphan!.id, HOUR);
      await sweepAt(new Date());
      expect(await row(orphan!.id)).toBeDefined();
      expect(await t.fileStore.stat(orphanRow.storageKey!)).toEqual({ size: 5 });

      await age(orphan!.id, 3 * HOUR);
      await sweepAt(new Date());
      expect(await row(orphan!.id)).toBeUndefined();
      expect(await t.fileStore.stat(orphanRow.storageKey!)).toBeUndefined();
      expect(await t.fileStore.stat(thumbnailKey)).toBeUndefined();
      // The file in a message stays, however old.
      expect(await row(sent!.id)).toMatchObject({ messageId: message!.id });
      expect(await t.fileStore.stat(sentRow.storageKey!)).toEqual({ size: 12 });
      const download = await fetch(`${t.url}/api/v1/files/${sent!.id}/content`, {
        headers: operator.headers,
      });
      expect(await download.text()).toBe('in a message');
    });
  });
}
