import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { startMessengerWorld, type MessengerWorld } from '../../test/messenger-world.js';

let w: MessengerWorld;

beforeAll(async () => {
  w = await startMessengerWorld();
});
afterAll(async () => w?.close());

type Attachment = Record<string, unknown>;
const attachmentsOf = (message: { metadata: Record<string, unknown> }) =>
  (message.metadata.attachments as Attachment[] | undefined) ?? [];

/** The customer's message once every attachment has been downloaded and stored or refused. */
async function settled(accountId: string, mid: string) {
  await expect
    .poll(
      async () => {
        const row = await w.messageByMid(accountId, mid);
        return row ? attachmentsOf(row).every((a) => a.status || a.error) : false;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return (await w.messageByMid(accountId, mid))!;
}

describe('blocked types inbound on Messenger', () => {
  it('keeps a blocked file out of storage beside a stored one; the operator sees "blocked file: name, type"', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    // A Windows program that calls itself a PDF: blocked by its bytes (a default blocked type).
    const program = Buffer.concat([Buffer.from('MZ'), randomBytes(4000)]);
    const { mid } = await w.inject({
      psid,
      text: 'The invoice and the list',
      attachments: [
        {
          type: 'file',
          file: { filename: 'invoice.pdf', mime_type: 'application/pdf', base64: program.toString('base64') },
        },
        {
          type: 'file',
          file: {
            filename: 'list.txt',
            mime_type: 'text/plain',
            base64: Buffer.from('Milk\n').toString('base64'),
          },
        },
      ],
    });
    const message = await settled(tenant.accountId, mid);
    expect(attachmentsOf(message)).toEqual([
      expect.objectContaining({
        name: 'invoice.pdf',
        status: 'blocked',
        error: 'blocked file: invoice.pdf, application/x-msdownload',
      }),
      expect.objectContaining({ name: 'list.txt', status: 'stored', contentType: 'text/plain' }),
    ]);
    const stored = await w.t.database.db.select().from(files).where(eq(files.messageId, message.id));
    const blocked = stored.find((f) => f.name === 'invoice.pdf')!;
    expect(blocked).toMatchObject({ status: 'blocked', storageKey: null, size: null, sha256: null });
    expect(stored.find((f) => f.name === 'list.txt')!.storageKey).not.toBeNull();

    // What the operator's workspace reads: the session's files, the blocked one without a link.
    const list = await call(w.t.url, 'GET', `/api/v1/sessions/${message.sessionId}/files`, {
      headers: tenant.f.sessions.supervisor!.headers,
    });
    expect(list.status).toBe(200);
    const items = list.body.items as Array<Record<string, unknown>>;
    expect(items.find((i) => i.name === 'invoice.pdf')).toMatchObject({
      status: 'blocked',
      contentUrl: null,
      error: 'blocked file: invoice.pdf, application/x-msdownload',
    });
    const download = await call(w.t.url, 'GET', `/api/v1/files/${blocked.id}/content`, {
      headers: tenant.f.sessions.supervisor!.headers,
    });
    expect(download.status).not.toBe(200);
  });

  it('applies the types the tenant’s administrator blocked (by extension), on this tenant only', async () => {
    const tenant = await w.tenant();
    const other = await w.tenant();
    const put = await call(w.t.url, 'PUT', '/api/v1/admin/blocked-file-types', {
      headers: tenant.f.sessions.admin!.headers,
      body: { mimeTypes: [], extensions: ['csv'] },
    });
    expect(put.status).toBe(200);
    const csv = {
      type: 'file' as const,
      file: {
        filename: 'export.csv',
        mime_type: 'text/csv',
        base64: Buffer.from('a,b\n1,2\n').toString('base64'),
      },
    };

    const { mid } = await w.inject({ psid: tenant.customer(), attachments: [csv] });
    const message = await settled(tenant.accountId, mid);
    expect(attachmentsOf(message)[0]).toMatchObject({
      name: 'export.csv',
      status: 'blocked',
      error: expect.stringMatching(/^blocked file: export\.csv, /),
    });
    const [row] = await w.t.database.db.select().from(files).where(eq(files.messageId, message.id));
    expect(row).toMatchObject({ status: 'blocked', storageKey: null });

    // The same file to a tenant that did not block it is stored.
    const elsewhere = await w.inject({ psid: other.customer(), attachments: [csv] });
    const kept = await settled(other.accountId, elsewhere.mid);
    expect(attachmentsOf(kept)[0]).toMatchObject({ name: 'export.csv', status: 'stored' });
  });
});
