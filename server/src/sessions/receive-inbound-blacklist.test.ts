import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, sessions } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { message, messageTexts, stored } from '../../test/inbound-messages.js';
import { storeInboundBatch } from './receive-inbound.js';

const app = useEngineTestApp();

const messagesOf = (sessionId: string) => messageTexts(app.t.database, sessionId);

describe('a customer the tenant refuses', () => {
  it('is refused by its contact, by the identity it writes from, or by the e-mail on its card, new or not', async () => {
    const f = await app.fixture();
    const [byContact, byIdentity, byCard, welcome] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // Known by an e-mail nobody listed: the blacklist looks again, and lets it through.
    const carded = randomUUID();
    const send = async (visitor: string, id: string) =>
      (await storeInboundBatch(app.t.engine, [message(f, visitor, id)])).map(stored)[0];
    const first = new Map<string, { sessionId: string }>();
    for (const visitor of [byContact, byIdentity, byCard, welcome, carded])
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
    await app.t.database.db
      .update(contacts)
      .set({ email: `${carded}@example.test` })
      .where(eq(contacts.id, await contactOf(carded)));

    // One by one, and together (returning customers' messages that arrive together are stored in one go).
    for (const visitor of [byContact, byIdentity, byCard]) {
      const result = await storeInboundBatch(app.t.engine, [message(f, visitor, `${visitor}-2`)]);
      expect(result[0]).toEqual({ status: 'fulfilled', value: { outcome: 'blacklisted' } });
    }
    const together = await storeInboundBatch(
      app.t.engine,
      [byContact, byIdentity, byCard, welcome, carded].map((visitor) => message(f, visitor, `${visitor}-3`)),
    );
    expect(together.map((r) => r.status === 'fulfilled' && r.value.outcome)).toEqual([
      'blacklisted',
      'blacklisted',
      'blacklisted',
      'stored',
      'stored',
    ]);
    for (const visitor of [byContact, byIdentity, byCard])
      expect(await messagesOf(first.get(visitor)!.sessionId)).toEqual([`text of ${visitor}-1`]);
    expect(await messagesOf(first.get(carded)!.sessionId)).toEqual([
      `text of ${carded}-1`,
      `text of ${carded}-3`,
    ]);
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
    expect(opened).toHaveLength(5);
    expect(await send(welcome, `${welcome}-2`)).toMatchObject({ outcome: 'stored' });
    expect(await messagesOf(first.get(welcome)!.sessionId)).toEqual([
      `text of ${welcome}-1`,
      `text of ${welcome}-3`,
      `text of ${welcome}-2`,
    ]);
  });
});
