import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contactIdentities, contacts, messages, realtimeEvents, sessions } from '../db/schema.js';
import { queryRows } from '../db/database.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { driver } from '../../test/harness.js';
import { message, messageTexts, stored } from '../../test/inbound-messages.js';
import { storeInboundBatch, type InboundResult } from './receive-inbound.js';

const app = useEngineTestApp();

const messagesOf = (sessionId: string) => messageTexts(app.t.database, sessionId);

describe('events that arrive together, stored in one go', () => {
  it('stores each as it would be stored alone: one session per customer, in order, duplicates once', async () => {
    const f = await app.fixture();
    const [ada, bob] = [randomUUID(), randomUUID()];
    const adaProfile = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' };
    const results = await storeInboundBatch(app.t.engine, [
      message(f, ada, 'a1', {
        customer: { identities: [{ kind: 'webchat_visitor', value: ada }], profile: adaProfile },
      }),
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
    // A new contact's card comes from the channel's profile.
    const [adaContact] = await app.t.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.id, open.find((o) => o.id === (a1 as { sessionId: string }).sessionId)!.contactId));
    expect(adaContact).toMatchObject({ name: 'Ada Lovelace', ...adaProfile, phone: null });
  });

  it('stores returning customers together exactly as one by one, and announces each message in order', async () => {
    const f = await app.fixture();
    const [ada, bob] = [randomUUID(), randomUUID()];
    const opened = (
      await storeInboundBatch(app.t.engine, [message(f, ada, 'a1'), message(f, bob, 'b1')])
    ).map(stored) as Array<{ sessionId: string }>;
    const [adaSession, bobSession] = opened.map((o) => o.sessionId) as [string, string];
    // Their windows had closed: their next messages open them again.
    await app.t.database.db
      .update(sessions)
      .set({ windowClosedAt: new Date('2026-01-01T00:00:00Z'), lockedUntilReply: true })
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    const [{ last }] = (await queryRows<{ last: string }>(
      app.t.database.db,
      sql`SELECT coalesce(max(id), 0) AS last FROM realtime_events`,
    )) as [{ last: string }];
    const sentAt = new Date('2026-11-20T10:00:00.000Z');
    const results = await storeInboundBatch(app.t.engine, [
      message(f, ada, 'a2', {
        event: { kind: 'message', channelMessageId: 'a2', text: 'text of a2', sentAt },
      }),
      message(f, bob, 'b2', {
        event: { kind: 'message', channelMessageId: 'b2', text: 'text of b2', sentAt },
      }),
      message(f, ada, 'a3'),
      message(f, bob, 'b1'),
    ]);
    expect(results.map(stored)).toEqual([
      { outcome: 'stored', sessionId: adaSession, text: 'text of a2' },
      { outcome: 'stored', sessionId: bobSession, text: 'text of b2' },
      { outcome: 'stored', sessionId: adaSession, text: 'text of a3' },
      { outcome: 'duplicate', sessionId: bobSession, text: 'text of b1' },
    ]);
    // What each answer carries is the row as stored.
    for (const result of results.slice(0, 3)) {
      const value = (result as PromiseFulfilledResult<Extract<InboundResult, { outcome: 'stored' }>>).value;
      const [message] = await app.t.database.db
        .select()
        .from(messages)
        .where(eq(messages.id, value.message.id));
      expect(value.message).toEqual(message);
      expect(value.newSession).toBe(false);
    }
    const [bobNow] = await app.t.database.db.select().from(sessions).where(eq(sessions.id, bobSession));
    expect((results[1] as PromiseFulfilledResult<{ session: unknown }>).value.session).toEqual(bobNow);
    expect(bobNow).toMatchObject({
      lastCustomerMessageAt: sentAt,
      windowClosedAt: null,
      lockedUntilReply: false,
    });
    expect(await messagesOf(adaSession)).toEqual(['text of a1', 'text of a2', 'text of a3']);
    expect(await messagesOf(bobSession)).toEqual(['text of b1', 'text of b2']);

    const events = await app.t.database.db
      .select({ name: realtimeEvents.name, rooms: realtimeEvents.rooms, payload: realtimeEvents.payload })
      .from(realtimeEvents)
      .where(and(eq(realtimeEvents.tenantId, f.tenant.id), gt(realtimeEvents.id, Number(last))))
      .orderBy(asc(realtimeEvents.id));
    const shown = events.map((e) =>
      e.name === 'message.created'
        ? `message ${(e.payload as { text: string }).text}`
        : `${e.name} ${(e.payload as { session?: { lastMessage?: { text: string } } }).session?.lastMessage?.text}`,
    );
    expect(shown).toEqual([
      'message text of a2',
      'session.changed text of a3',
      'message text of b2',
      'session.changed text of b2',
      'message text of a3',
      'session.changed text of a3',
    ]);
    expect(events[0]!.rooms).toEqual([`session:${adaSession}`]);
  });

  it('routes new customers stored together each by its own rule, with its own group’s business hours', async () => {
    // Group A is closed today; Czech speakers go to group B, open by default.
    const tomorrow = ((app.t.clock.now().getUTCDay() + 6) % 7) + 2;
    const f = await app.fixture({
      groupA: {
        businessHours: {
          timezone: 'UTC',
          weekly: [{ days: [tomorrow > 7 ? 1 : tomorrow], from: '00:00', to: '23:59' }],
        },
        offlineMessage: 'Closed.',
      },
    });
    const rule = await call(app.t.url, 'POST', '/api/v1/routing-rules', {
      headers: f.sessions.admin!.headers,
      body: { match: { languages: ['cs'] }, groupId: f.tenant.groupB },
    });
    expect(rule.status).toBe(201);
    const [jana, john, petr] = [randomUUID(), randomUUID(), randomUUID()];
    const results = await storeInboundBatch(app.t.engine, [
      message(f, jana, 'j1', { language: 'cs' }),
      message(f, john, 'e1', { language: 'en' }),
      message(f, petr, 'p1', { language: 'cs-CZ' }),
    ]);
    const placed = results.map((r) =>
      r.status === 'fulfilled' && r.value.outcome === 'stored' ? r.value.session.groupId : r.status,
    );
    expect(placed).toEqual([f.tenant.groupB, f.tenant.groupA, f.tenant.groupB]);
    const texts = await Promise.all(
      results.map((r) =>
        messagesOf((r as PromiseFulfilledResult<{ session: { id: string } }>).value.session.id),
      ),
    );
    expect(texts).toEqual([['text of j1'], ['text of e1', 'Closed.'], ['text of p1']]);
  });

  it('opens new customers’ sessions together exactly as one alone: session, timeline, events and timers', async () => {
    const f = await app.fixture();
    const sentAt = new Date('2026-11-20T10:00:00.000Z');
    const first = (visitor: string) =>
      message(f, visitor, `${visitor}-1`, {
        event: { kind: 'message', channelMessageId: `${visitor}-1`, text: 'hello', sentAt },
      });
    const [alone, ada, bob] = [randomUUID(), randomUUID(), randomUUID()];
    const results = [
      ...(await storeInboundBatch(app.t.engine, [first(alone)])),
      ...(await storeInboundBatch(app.t.engine, [first(ada), first(bob)])),
    ].map((r) => (r as PromiseFulfilledResult<Extract<InboundResult, { outcome: 'stored' }>>).value);
    const now = app.t.clock.now();
    /** All a new session leaves behind, with what differs between customers (ids, contacts) left out. */
    const leftBy = async ({ session, message, newSession }: (typeof results)[number]) => {
      const [row] = await app.t.database.db.select().from(sessions).where(eq(sessions.id, session.id));
      expect(session).toEqual(row);
      const { id: _id, contactId: _contact, ...rest } = row!;
      const timeline = await queryRows<{ type: string; data: unknown }>(
        app.t.database.db,
        sql`SELECT type, data FROM session_events WHERE session_id = ${session.id} ORDER BY id`,
      );
      const events = await queryRows<{ name: string }>(
        app.t.database.db,
        sql`SELECT name FROM realtime_events WHERE payload::text LIKE ${`%${session.id}%`} ORDER BY id`,
      );
      const timers = await queryRows<{ name: string; start_after: Date }>(
        app.t.database.db,
        sql`SELECT name, start_after FROM pgboss.job WHERE data->>'sessionId' = ${session.id} ORDER BY name`,
      );
      return {
        newSession,
        session: rest,
        message: { text: message.text, status: message.status, createdAt: message.createdAt },
        timeline,
        events: events.map((e) => e.name),
        timers: timers.map((t) => ({ name: t.name, in: new Date(t.start_after).getTime() - now.getTime() })),
      };
    };
    const [one, ...together] = await Promise.all(results.map(leftBy));
    expect(one).toMatchObject({
      newSession: true,
      session: { state: 'waiting', lastCustomerMessageAt: sentAt, lastMessageAt: now, queuedAt: now },
      timeline: [{ type: 'created', data: { groupId: f.tenant.groupA } }],
    });
    expect(one!.events).toContain('session.changed');
    expect(one!.timers.length).toBeGreaterThan(0);
    // Timers are set by the job queue from its own clock: the same within a second.
    const without = ({ timers, ...rest }: NonNullable<typeof one>) => ({
      ...rest,
      timers: timers.map((t) => t.name),
    });
    expect(together.map(without)).toEqual([without(one!), without(one!)]);
    for (const { timers } of together)
      timers.forEach((timer, index) =>
        expect(Math.abs(timer.in - one!.timers[index]!.in)).toBeLessThan(1000),
      );
  });

  // PGlite runs one transaction at a time: the other writer below could not hold its transaction open.
  it.skipIf(driver !== 'postgres')(
    'keeps one contact when another writer takes a new customer’s identity while the group is stored',
    async () => {
      const f = await app.fixture();
      const [ada, bob] = [randomUUID(), randomUUID()];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      // Another writer has made Ada's contact and identity, and not committed yet.
      const other = app.t.database.db.transaction(async (tx) => {
        const [contact] = await tx
          .insert(contacts)
          .values({ tenantId: f.tenant.id, name: 'Ada' })
          .returning();
        await tx.insert(contactIdentities).values({
          tenantId: f.tenant.id,
          contactId: contact!.id,
          kind: 'webchat_visitor',
          value: ada,
          channelAccountId: f.channelAccountId,
        });
        holding();
        await released;
        return contact!.id;
      });
      await held;
      const group = storeInboundBatch(app.t.engine, [message(f, ada, 'a1'), message(f, bob, 'b1')]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      const adaContact = await other;
      const results = await group;
      expect(results.map((r) => r.status === 'fulfilled' && r.value.outcome)).toEqual(['stored', 'stored']);
      const [adaSession] = await app.t.database.db
        .select()
        .from(sessions)
        .where(
          eq(
            sessions.id,
            (results[0] as PromiseFulfilledResult<{ session: { id: string } }>).value.session.id,
          ),
        );
      expect(adaSession!.contactId).toBe(adaContact);
      const adas = await app.t.database.db
        .select({ id: contactIdentities.contactId })
        .from(contactIdentities)
        .where(eq(contactIdentities.value, ada));
      expect(adas).toEqual([{ id: adaContact }]);
      const tenantContacts = await app.t.database.db
        .select({ id: contacts.id })
        .from(contacts)
        .where(eq(contacts.tenantId, f.tenant.id));
      expect(tenantContacts).toHaveLength(2);
    },
  );

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
