import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { call } from '../../../test/factories.js';
import { upload } from '../../../test/file-helpers.js';
import { queryRows } from '../../db/database.js';
import { SHEENA, useWhatsAppKit } from './whatsapp-test-kit.js';
import { PARKED_STATUS_JOB } from './whatsapp.repo.js';

const kit = useWhatsAppKit(3);

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function sendFiles(sessionId: string, body: Record<string, unknown>) {
  return call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
    headers: kit.f.sessions.olga!.headers,
    body,
  });
}

async function uploaded(sessionId: string, files: Array<{ name: string; data: Buffer; type: string }>) {
  const response = await upload(kit.t.url, sessionId, kit.f.sessions.olga!.headers, files);
  expect(response.status).toBe(201);
  return (response.body.items as Array<{ id: string }>).map((i) => i.id);
}

describe('files to a WhatsApp customer', () => {
  it('uploads each file to Meta and sends them in order, one WhatsApp message each, with the quote and caption', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId, inbound } = await kit.activeSession(number, accountId);
    kit.sandbox.setSwitches({ statusProgression: 'delivered' });
    kit.sandbox.clearCalls();
    const fileIds = await uploaded(sessionId, [
      { name: 'label.png', data: png, type: 'image/png' },
      { name: 'Faktura č. 7.pdf', data: pdf, type: 'application/pdf' },
    ]);
    const sent = await sendFiles(sessionId, {
      text: 'Your label and invoice',
      fileIds,
      quotedMessageId: inbound.id,
    });
    expect(sent.status).toBe(201);
    await expect
      .poll(async () => (await kit.statusOf(sent.body.id)).status, { timeout: 20_000 })
      .toBe('delivered');

    expect(kit.sandbox.calls({ method: 'POST', pathContains: `${number.phoneNumberId}/media` })).toHaveLength(
      2,
    );
    const sends = kit.sandbox
      .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
      .map((c) => c.body as any)
      .filter((b) => b.biz_opaque_callback_data === sent.body.id);
    expect(sends).toMatchObject([
      {
        type: 'image',
        image: { id: expect.any(String), caption: 'Your label and invoice' },
        context: { message_id: inbound.channelMessageId },
      },
      { type: 'document', document: { id: expect.any(String), filename: 'Faktura č. 7.pdf' } },
    ]);
    expect(sends[1].context).toBeUndefined();
    const row = await kit.statusOf(sent.body.id);
    const attachments = row.metadata.attachments as Array<{ wamid: string }>;
    expect(new Set(attachments.map((a) => a.wamid)).size).toBe(2);
    expect(row.channelMessageId).toBe(attachments[1]!.wamid);
    expect(row.metadata.partStatuses).toEqual({
      [attachments[0]!.wamid]: 'delivered',
      [attachments[1]!.wamid]: 'delivered',
    });
    const conversation = kit.sandbox.conversation({
      product: 'whatsapp',
      account: number.phoneNumberId,
      customer: SHEENA,
    });
    expect(
      conversation.messages
        .filter((m) => m.direction === 'outbound')
        .map((m) => m.type)
        .slice(-2),
    ).toEqual(['image', 'document']);
  });

  it('sends a sticker after the text it cannot carry, and a failed part fails the message until retried', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    const webp = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#ffcc00' } })
      .webp()
      .toBuffer();
    const [stickerId] = await uploaded(sessionId, [{ name: 'thanks.webp', data: webp, type: 'image/webp' }]);
    kit.sandbox.clearCalls();
    kit.sandbox.failNext({ product: 'whatsapp', code: 131026, mode: 'async', count: 2 });
    // Each part's failure overtakes its send's answer, so both wait as parked statuses: the text part's is found
    // by the message id it carries (its wamid never becomes the message's own, the last part's does).
    kit.sandbox.setSwitches({ statusBeforeResponse: true });
    const sent = await sendFiles(sessionId, { text: 'Thank you!', fileIds: [stickerId] });
    await expect
      .poll(async () => (await kit.statusOf(sent.body.id)).status, { timeout: 45_000 })
      .toBe('error');
    expect((await kit.statusOf(sent.body.id)).errorCode).toBe('131026');
    // Both parts' failures are in before the retry (a part not reported failed yet would not go again).
    try {
      await expect
        .poll(
          async () =>
            Object.values((await kit.statusOf(sent.body.id)).metadata.partStatuses as object).filter(
              (v) => v === 'failed',
            ).length,
          { timeout: 45_000 },
        )
        .toBe(2);
    } catch (error) {
      // What the sandbox could not deliver is the likeliest reason a status never came.
      const undelivered = kit.sandbox
        .deliveries()
        .filter((d) => d.status !== 200)
        .map((d) => ({ attempt: d.attempt, status: d.status, error: d.error, gaveUp: d.gaveUp }));
      const { metadata, status } = await kit.statusOf(sent.body.id);
      const parked = await queryRows(
        kit.t.database.db,
        sql`SELECT state, retry_count, data->>'wamid' AS wamid, data->>'status' AS status FROM pgboss.job
            WHERE name = ${PARKED_STATUS_JOB} AND data->>'channelAccountId' = ${accountId}`,
      );
      const statuses = kit.sandbox
        .deliveries()
        .filter((d) => d.body.includes('"statuses"'))
        .map((d) => d.body.match(/"status":"\w+"|"id":"wamid[^"]*"/g));
      throw new Error(
        `${(error as Error).message}; message ${status} ${JSON.stringify(metadata)}; parked ${JSON.stringify(parked)}; ` +
          `status webhooks ${JSON.stringify(statuses)}; not answered 200: ${JSON.stringify(undelivered)}`,
      );
    }

    kit.sandbox.setSwitches({ statusBeforeResponse: false });

    const retried = await call(
      kit.t.url,
      'POST',
      `/api/v1/sessions/${sessionId}/messages/${sent.body.id}/retry`,
      {
        headers: kit.f.sessions.olga!.headers,
      },
    );
    expect(retried.status).toBe(200);
    await expect
      .poll(async () => (await kit.statusOf(sent.body.id)).status, { timeout: 45_000 })
      .toBe('sent');
    const sends = kit.sandbox
      .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
      .map((c) => c.body as any)
      .filter((b) => b.biz_opaque_callback_data === sent.body.id);
    // Both parts failed the first time and went again; the sticker was uploaded once (its media id is kept).
    expect(sends.map((b) => b.type)).toEqual(['text', 'sticker', 'text', 'sticker']);
    expect(sends[1].sticker).toEqual({ id: expect.any(String) });
    expect(kit.sandbox.calls({ method: 'POST', pathContains: `${number.phoneNumberId}/media` })).toHaveLength(
      1,
    );
  }, 120_000);
});
