import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, messages, sessions } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp, type EngineFixture } from '../../test/engine-setup.js';
import { storeInboundBatch, type InboundInput, type InboundResult } from './receive-inbound.js';

const app = useEngineTestApp();

/** A web chat message of `visitor`, as the widget's channel hands it to the engine. */
function message(fixture: EngineFixture, visitor: string, id: string, overrides: Partial<InboundInput> = {}) {
  return {
    tenantId: fixture.tenant.id,
    channel: 'webchat',
    channelAccountId: fixture.channelAccountId,
    customer: { identities: [{ kind: 'webchat_visitor', value: visitor }] },
    event: { kind: 'message', channelMessageId: id, text: `text of ${id}`, sentAt: new Date() },
    ...overrides,
  } satisfies InboundInput;
}

const stored = (result: PromiseSettledResult<InboundResult>) =>
  result.status === 'fulfilled' && 'session' in result.value
    ? { outcome: result.value.outcome, sessionId: result.value.session.id, text: result.value.message.text }
    : result.status;

async function messagesOf(sessionId: string) {
  return (
    await app.t.database.db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.sessionId, sessionId))
      .orderBy(asc(messages.position))
  ).map((m) => m.text);
}

describe('events that arrive together, stored in one go', () => {
  it('stores each as it would be stored alone: one session per customer, in order, duplicates once', async () => {
    const f = await app.fixture();
    const [ada, bob] = [randomUUID(), randomUUID()];
    const results = await storeInboundBatch(app.t.engine, [
      message(f, ada, 'a1'),
      message(f, bob, 'b1'),
      message(f, ada, 'a2'),
      message(f, ada, 'a1'),
      message(f, ada, 'a3'),
    ]);
    const [a1, b1, a2, again, a3] = results.map(stored);
    expect(a1).toMatchObject({ outcome: 'stored', text: 'text of a1' });
    expect(b1).toMatchObject({ outcome: 'stored', text: 'text of b1' });
    expect(a2).toMatchObject({ outcome: 'stored', sessionId: (a1 as { sessionId: string }).sessionId });
    expect(again).toMatchObject({ outcome: 'duplicate', sessionId: (a1 as { sessionId: string }).sessionId });
    expect(a3).toMatchObject({ outcome: 'stored', sessionId: (a1 as { sessionId: string }).sessionId });
    expect((b1 as { sessionId: string }).sessionId).not.toBe((a1 as { sessionId: string }).sessionId);
    const firsts = results.map(
      (r) => r.status === 'fulfilled' && r.value.outcome === 'stored' && r.value.newSession,
    );
    expect(firsts).toEqual([true, true, false, false, false]);
    expect(await messagesOf((a1 as { sessionId: string }).sessionId)).toEqual([
      'text of a1',
      'text of a2',
      'text of a3',
    ]);
    const open = await app.t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    expect(open).toHaveLength(2);
  });

  it('fails only the event that cannot be stored, and stores the others of its group', async () => {
    const f = await app.fixture();
    const [ada, bob] = [randomUUID(), randomUUID()];
    const results = await storeInboundBatch(app.t.engine, [
      message(f, ada, 'a1'),
      // An account that does not exist: its session cannot be written.
      message(f, bob, 'b1', { channelAccountId: randomUUID() }),
      message(f, ada, 'a2'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const [a1] = results.map(stored) as Array<{ sessionId: string }>;
    expect(await messagesOf(a1!.sessionId)).toEqual(['text of a1', 'text of a2']);
    const open = await app.t.database.db.select().from(sessions).where(eq(sessions.tenantId, f.tenant.id));
    expect(open).toHaveLength(1);
  });
});

describe('a customer the tenant refuses', () => {
  it('is refused by its contact, by the identity it writes from, or by the e-mail on its card, new or not', async () => {
    const f = await app.fixture();
    const [byContact, byIdentity, byCard, welcome] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const send = async (visitor: string, id: string) =>
      (await storeInboundBatch(app.t.engine, [message(f, visitor, id)])).map(stored)[0];
    const first = new Map<string, { sessionId: string }>();
    for (const visitor of [byContact, byIdentity, byCard, welcome])
      first.set(visitor, (await send(visitor, `${visitor}-1`)) as { sessionId: string });
    const contactOf = async (visitor: string) => {
      const [row] = await app.t.database.db
        .select({ contactId: sessions.contactId })
        .from(sessions)
        .where(eq(sessions.id, first.get(visitor)!.sessionId));
      return row!.contactId;
    };
    const blacklist = async (entry: Record<string, string>) => {
      const response = await call(app.t.url, 'POST', '/api/v1/blacklist', {
        headers: f.sessions.admin!.headers,
        body: entry,
      });
      expect(response.status).toBe(201);
    };
    await blacklist({ contactId: await contactOf(byContact) });
    await blacklist({ identityKind: 'webchat_visitor', identityValue: byIdentity });
    await app.t.database.db
      .update(contacts)
      .set({ email: `${byCard}@example.test` })
      .where(eq(contacts.id, await contactOf(byCard)));
    await blacklist({ identityKind: 'email', identityValue: `${byCard.toUpperCase()}@example.test` });

    for (const visitor of [byContact, byIdentity, byCard]) {
      const result = await storeInboundBatch(app.t.engine, [message(f, visitor, `${visitor}-2`)]);
      expect(result[0]).toEqual({ status: 'fulfilled', value: { outcome: 'blacklisted' } });
      expect(await messagesOf(first.get(visitor)!.sessionId)).toEqual([`text of ${visitor}-1`]);
    }
    // New customers too: one writing from a listed identity, one whose card (from the channel) has a listed e-mail.
    const [newListed, newCarded] = [randomUUID(), randomUUID()];
    await blacklist({ identityKind: 'webchat_visitor', identityValue: newListed });
    await blacklist({ identityKind: 'email', identityValue: `${newCarded}@example.test` });
    const firstOfNew = await storeInboundBatch(app.t.engine, [
      message(f, newListed, `${newListed}-1`),
      message(f, newCarded, `${newCarded}-1`, {
        customer: {
          identities: [{ kind: 'webchat_visitor', value: newCarded }],
          profile: { email: `${newCarded}@EXAMPLE.test` },
        },
      }),
    ]);
    expect(firstOfNew.map((r) => r.status === 'fulfilled' && r.value.outcome)).toEqual([
      'blacklisted',
      'blacklisted',
    ]);
    const opened = await app.t.database.db.select().from(sessions).where(eq(sessions.tenantId, f.tenant.id));
    expect(opened).toHaveLength(4);
    expect(await send(welcome, `${welcome}-2`)).toMatchObject({ outcome: 'stored' });
    expect(await messagesOf(first.get(welcome)!.sessionId)).toEqual([
      `text of ${welcome}-1`,
      `text of ${welcome}-2`,
    ]);
  });
});
