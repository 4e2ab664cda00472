import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { call } from '../../../test/factories.js';
import { createTestContact } from '../../../test/session-factory.js';
import { contacts, sessions } from '../../db/schema.js';
import { JOAO, KAREL, SHEENA, useWhatsAppKit } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(4);

const template = { name: 'follow_up', language: 'en_US', parameters: ['Karel', 'Olga'] };

async function start(body: Record<string, unknown>) {
  return call(kit.t.url, 'POST', '/api/v1/whatsapp/outbound-sessions', {
    headers: kit.f.sessions.olga!.headers,
    body,
  });
}

describe('an operator writes first with a template (seed 001)', () => {
  it('validates the number, template and parameters with stable codes, changing nothing', async () => {
    const { accountId } = await kit.connectedTenant();
    await kit.templatesSynced(accountId);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ to: { phone: '777123456' }, template }, 422, 'invalid_phone_number'],
      [{ to: { phone: '+420 777 123 456' }, template }, 422, 'invalid_phone_number'],
      [{ to: {}, template }, 400, 'validation_failed'],
      [{ to: { phone: `+${KAREL}` }, template: { ...template, name: 'nope' } }, 422, 'template_not_approved'],
      [
        { to: { phone: `+${KAREL}` }, template: { ...template, parameters: ['Karel'] } },
        422,
        'template_parameters',
      ],
    ];
    for (const [body, status, code] of cases) {
      const refused = await start({ channelAccountId: accountId, ...body });
      expect([refused.status, refused.body.error?.code]).toEqual([status, code]);
    }
    const sessions = await call(kit.t.url, 'GET', '/api/v1/sessions?state=open', {
      headers: kit.f.sessions.olga!.headers,
    });
    expect(sessions.body.items).toEqual([]);
  });

  it('opens an active session owned by the operator, locked until the customer answers, then free', async () => {
    const { number, accountId, f } = await kit.connectedTenant();
    await kit.templatesSynced(accountId);
    kit.sandbox.clearCalls();
    const started = await start({ channelAccountId: accountId, to: { phone: `+${KAREL}` }, template });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      state: 'active',
      channel: 'whatsapp',
      participants: [{ role: 'owner', name: expect.any(String) }],
      composer: { freeText: false, otherwise: 'nothing', lockedUntilReply: true },
    });
    const sessionId = started.body.id as string;
    expect(await kit.sessionRow(sessionId)).toMatchObject({ origin: 'operator', lockedUntilReply: true });
    await expect
      .poll(
        () =>
          kit.sandbox
            .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
            .map((c) => c.body as any)
            .find((b) => b.type === 'template'),
        { timeout: 15_000 },
      )
      .toMatchObject({ to: `+${KAREL}`, template: { name: 'follow_up', language: { code: 'en_US' } } });

    const again = await start({ channelAccountId: accountId, to: { phone: `+${KAREL}` }, template });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'open_session_exists', details: { sessionId } });
    const locked = await call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Hello?' },
    });
    expect(locked.body.error).toMatchObject({ code: 'window_closed', details: { otherwise: 'nothing' } });

    // Karel taps the template's button: the same session, and the composer opens for every workspace.
    await kit.inject(number, { from: KAREL, type: 'button', button: { text: 'Yes', payload: 'Yes' } });
    await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'session.changed' &&
        (e.payload as any).session.id === sessionId &&
        (e.payload as any).session.composer?.freeText === true,
    );
    expect((await kit.sessionRow(sessionId)).lockedUntilReply).toBe(false);
    const reply = await kit.reply(sessionId, 'Thanks, Karel!');
    await expect.poll(async () => (await kit.statusOf(reply)).status, { timeout: 15_000 }).toBe('sent');
    const inbound = (await kit.messagesOf(accountId)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.sessionId)).toEqual([sessionId]);
  });
});

describe('an operator writes first to a known or refused customer', () => {
  it('refuses a blacklisted number or contact with contact_blacklisted: no session, message or Graph call', async () => {
    const { number, accountId, f } = await kit.connectedTenant();
    await kit.templatesSynced(accountId);
    const blocked = await createTestContact(kit.t.database, f.tenant, { name: 'João', phone: `+${JOAO}` });
    const admin = f.sessions.admin!.headers;
    for (const entry of [
      { identityKind: 'phone', identityValue: '+1 650 555 1234' },
      { contactId: blocked.id, reason: 'Abuse' },
    ]) {
      const added = await call(kit.t.url, 'POST', '/api/v1/blacklist', { headers: admin, body: entry });
      expect(added.status).toBe(201);
    }
    const contactsOf = () =>
      kit.t.database.db.select().from(contacts).where(eq(contacts.tenantId, f.tenant.id));
    const contactsBefore = (await contactsOf()).length;
    kit.sandbox.clearCalls();

    for (const to of [{ phone: `+${SHEENA}` }, { contactId: blocked.id }]) {
      const refused = await start({ channelAccountId: accountId, to, template });
      expect([refused.status, refused.body.error?.code]).toEqual([409, 'contact_blacklisted']);
    }
    expect(await kit.t.database.db.select().from(sessions).where(eq(sessions.tenantId, f.tenant.id))).toEqual(
      [],
    );
    expect(await kit.messagesOf(accountId)).toEqual([]);
    expect(await contactsOf()).toHaveLength(contactsBefore);
    await kit.sandbox.idle();
    expect(kit.sandbox.calls({ method: 'POST', pathContains: number.phoneNumberId })).toEqual([]);
  });

  it('reaches an existing contact at the number on their card, locked until their reply in that session', async () => {
    const { number, accountId, f } = await kit.connectedTenant();
    await kit.templatesSynced(accountId);
    const karel = await createTestContact(kit.t.database, f.tenant, {
      name: 'Karel Novák',
      phone: '+420 777 123 456',
    });
    kit.sandbox.clearCalls();
    const started = await start({ channelAccountId: accountId, to: { contactId: karel.id }, template });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      state: 'active',
      contact: { id: karel.id },
      composer: { freeText: false, otherwise: 'nothing', lockedUntilReply: true },
    });
    const sessionId = started.body.id as string;
    expect(await kit.sessionRow(sessionId)).toMatchObject({
      contactId: karel.id,
      origin: 'operator',
      lockedUntilReply: true,
    });
    await expect
      .poll(
        () =>
          kit.sandbox
            .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
            .map((c) => c.body as any)
            .find((b) => b.type === 'template'),
        { timeout: 15_000 },
      )
      .toMatchObject({ to: `+${KAREL}`, template: { name: 'follow_up' } });

    // Karel answers from WhatsApp: the same contact and session, and the composer opens.
    await kit.inject(number, { from: KAREL, type: 'text', text: { body: 'Yes, call me' } });
    await expect.poll(async () => (await kit.sessionRow(sessionId)).lockedUntilReply).toBe(false);
    const inbound = (await kit.messagesOf(accountId)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => [m.sessionId, m.text])).toEqual([[sessionId, 'Yes, call me']]);
    const contactsNow = await kit.t.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.tenantId, f.tenant.id));
    expect(contactsNow.map((c) => c.id)).toEqual([karel.id]);
  });
});

describe('resuming a WhatsApp session', () => {
  it('opens with free text within 24 hours; after, templates only, then locked until the customer answers', async () => {
    const { number, accountId, f } = await kit.connectedTenant();
    await kit.templatesSynced(accountId);
    const headers = () => f.sessions.olga!.headers;
    const { sessionId } = await kit.activeSession(number, accountId, KAREL);
    const end = (id: string) =>
      call(kit.t.url, 'POST', `/api/v1/sessions/${id}/end`, { headers: headers(), body: {} });
    const resume = (id: string) =>
      call(kit.t.url, 'POST', `/api/v1/sessions/${id}/resume`, { headers: headers() });
    expect((await end(sessionId)).status).toBe(200);
    const soon = await resume(sessionId);
    expect(soon.status).toBe(201);
    const detail = await call(kit.t.url, 'GET', `/api/v1/sessions/${soon.body.id}`, { headers: headers() });
    expect(detail.body.composer).toMatchObject({ freeText: true });
    expect((await end(soon.body.id)).status).toBe(200);

    await kit.advanceBoth(25 * 3600_000);
    const late = await resume(soon.body.id);
    expect(late.status).toBe(201);
    const lateId = late.body.id as string;
    const composer = async () =>
      (await call(kit.t.url, 'GET', `/api/v1/sessions/${lateId}`, { headers: headers() })).body.composer;
    expect(await composer()).toMatchObject({ freeText: false, otherwise: 'templates' });
    const text = await call(kit.t.url, 'POST', `/api/v1/sessions/${lateId}/messages`, {
      headers: headers(),
      body: { text: 'Hello again' },
    });
    expect(text.body.error.code).toBe('window_closed');
    const sent = await call(kit.t.url, 'POST', `/api/v1/sessions/${lateId}/whatsapp-template`, {
      headers: headers(),
      body: template,
    });
    expect(sent.status).toBe(201);
    expect(await composer()).toMatchObject({ freeText: false, otherwise: 'nothing', lockedUntilReply: true });
    const second = await call(kit.t.url, 'POST', `/api/v1/sessions/${lateId}/whatsapp-template`, {
      headers: headers(),
      body: template,
    });
    expect(second.body.error).toMatchObject({ code: 'window_closed', details: { otherwise: 'nothing' } });
    await kit.inject(number, { from: KAREL, type: 'text', text: { body: 'Hi, yes?' } });
    expect(await composer()).toMatchObject({ freeText: true });
  });
});
