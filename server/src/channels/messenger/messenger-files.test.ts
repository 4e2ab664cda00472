import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import { upload } from '../../../test/file-helpers.js';
import { startMessengerWorld, type MessengerWorld } from '../../../test/messenger-world.js';

let w: MessengerWorld;

beforeAll(async () => {
  w = await startMessengerWorld();
});
afterAll(async () => w?.close());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('files from the operator', () => {
  it('go out after the text, one Messenger message per file, in order, each recognised when echoed', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Can you send the documents?');
    const olga = tenant.f.sessions.olga!.headers;
    const uploaded = await upload(w.t.url, sessionId, olga, [
      { name: 'label.png', data: PNG, type: 'image/png' },
      { name: 'terms.txt', data: 'Terms and conditions\n', type: 'text/plain' },
    ]);
    expect(uploaded.status).toBe(201);
    const fileIds = (uploaded.body.items as Array<{ id: string }>).map((f) => f.id);
    w.sandbox.setSwitches({ statusBeforeResponse: true });
    const sent = await call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: olga,
      body: { text: 'Here you are', fileIds },
    });
    w.sandbox.setSwitches({ statusBeforeResponse: false });
    expect(sent.status).toBe(201);
    const id = sent.body.id as string;
    // Each part's echo is recorded; the message counts as sent once all three have gone out.
    const partsOf = async () =>
      (await w.t.database.db.select().from(messages).where(eq(messages.id, id)))[0]!.metadata.messengerParts;
    await expect.poll(async () => Object.keys((await partsOf()) ?? {}).length, { timeout: 15_000 }).toBe(3);
    await w.sandbox.idle();
    const [message] = await w.t.database.db.select().from(messages).where(eq(messages.id, id));
    expect(message!.status).toBe('sent');
    const parts = message!.metadata.messengerParts as Record<string, string>;
    expect(Object.keys(parts).sort()).toEqual(['0', '1', '2']);
    expect(message!.channelMessageId).toBe(parts['0']);

    const shown = w.sandbox
      .conversation({ product: 'messenger', customer: psid })
      .messages.filter((m) => m.direction === 'outbound')
      .slice(-3);
    expect(shown.map((m) => [m.id, m.type, m.mimeType ?? null])).toEqual([
      [parts['0'], 'text', null],
      [parts['1'], 'image', 'image/png'],
      [parts['2'], 'file', 'text/plain'],
    ]);
    const bodies = w.sandbox
      .calls({ method: 'POST', pathContains: '/messages' })
      .map((c) => c.body as Record<string, unknown>)
      .filter((b) => JSON.stringify(b).includes(id));
    expect(bodies).toHaveLength(3);
    // Each echo came back before its send returned: none of them became a second message.
    const copies = (await w.messagesOf(tenant.accountId)).filter(
      (m) => m.direction === 'out' && m.authorKind !== 'system',
    );
    expect(copies.map((m) => m.id)).toEqual([id]);
  });

  it('over 25 MB are refused before anything is sent', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Big file please');
    const olga = tenant.f.sessions.olga!.headers;
    const big = Buffer.alloc(25 * 1024 * 1024 + 1, 'a');
    const uploaded = await upload(w.t.url, sessionId, olga, [
      { name: 'big.txt', data: big, type: 'text/plain' },
    ]);
    expect(uploaded.status).toBe(201);
    const refused = await call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: olga,
      body: { text: '', fileIds: [uploaded.body.items[0].id] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain('25 MB');
    expect(
      w.sandbox
        .conversation({ product: 'messenger', customer: psid })
        .messages.some((m) => m.type === 'file'),
    ).toBe(false);
  });
});
