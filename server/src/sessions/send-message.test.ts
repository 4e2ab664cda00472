import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, sessions } from '../db/schema.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { activeChat } from '../../test/engine-steps.js';
import { call } from '../../test/factories.js';
import type { Actor } from '../auth/actor.js';
import { storeSends, type OperatorSend } from './send-message.js';

const engine = useEngineTestApp();

describe('an operator sends a message', () => {
  it('sent twice with the same composer id (a retry after a network loss), it is stored and delivered once', async () => {
    const { t } = engine;
    const f = await engine.fixture();
    const { customer, sessionId } = await activeChat(t, f, 'Is my order on its way?');
    const send = () =>
      call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: f.sessions.olga!.headers,
        body: { text: 'It left this morning', clientMessageId: 'composer-7' },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const [before] = await t.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(before!.lastMessageAt).toEqual(new Date(first.body.createdAt));

    const again = await send();
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, author: { name: 'Olga' }, status: 'sent' });
    const stored = await t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), eq(messages.authorKind, 'operator')));
    expect(stored.map((m) => m.text)).toEqual(['It left this morning']);
    const [after] = await t.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(after!.lastMessageAt).toEqual(before!.lastMessageAt);

    // The widget shows it once: a later message arrives after exactly one copy.
    expect(
      (
        await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
          headers: f.sessions.olga!.headers,
          body: { text: 'Anything else?' },
        })
      ).status,
    ).toBe(201);
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && (e.payload as any).text === 'Anything else?',
    );
    const shown = customer.events.filter(
      (e) => e.name === 'visitor.message' && (e.payload as any).text === 'It left this morning',
    );
    expect(shown).toHaveLength(1);
    customer.close();
  });

  it('sent side by side with others, one refused keeps the rest: each is stored and shown once, in the order stored', async () => {
    const { t } = engine;
    const f = await engine.fixture({ capacity: 3 });
    const first = await activeChat(t, f, 'First chat');
    const second = await activeChat(t, f, 'Second chat');
    expect(
      (
        await call(t.url, 'POST', `/api/v1/sessions/${second.sessionId}/end`, {
          headers: f.sessions.olga!.headers,
          body: {},
        })
      ).status,
    ).toBe(200);
    const send = (sessionId: string, text: string) =>
      call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: f.sessions.olga!.headers,
        body: { text },
      });
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => send(first.sessionId, `Part ${i}`)),
      send(second.sessionId, 'After the end'),
      ...Array.from({ length: 6 }, (_, i) => send(first.sessionId, `Part ${i + 6}`)),
    ]);
    expect(answers.map((a) => a.status)).toEqual([...Array(6).fill(201), 409, ...Array(6).fill(201)]);
    expect(answers[6]!.body).toMatchObject({ error: { code: 'session_state' } });
    const stored = await t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, first.sessionId), eq(messages.authorKind, 'operator')))
      .orderBy(messages.position);
    // Sent side by side, they may be stored in any order; each exactly once, and in the order they were stored.
    expect(stored.map((m) => m.text).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Part ${i}`).sort(),
    );
    // The customer's widget shows each once, in the order they were stored.
    const shown = () =>
      first.customer.events
        .filter((e) => e.name === 'visitor.message' && String((e.payload as any).text).startsWith('Part '))
        .map((e) => (e.payload as any).text as string);
    await expect.poll(() => shown().length).toBe(12);
    expect(shown()).toEqual(stored.map((m) => m.text));
    first.customer.close();
    second.customer.close();
  });

  it('stored together, each is stored as alone: once per composer id, its session moved to its latest reply', async () => {
    const { t } = engine;
    const f = await engine.fixture({ capacity: 3 });
    const first = await activeChat(t, f, 'First chat');
    const second = await activeChat(t, f, 'Second chat');
    const olga = f.tenant.operators[0]!;
    const actor: Actor = {
      kind: 'user',
      tenantId: f.tenant.id,
      id: olga.id,
      name: 'Olga',
      role: 'operator',
      groupIds: [f.tenant.groupA],
    };
    const send = (sessionId: string, text: string, clientMessageId?: string): OperatorSend => ({
      actor,
      sessionId,
      input: { text, ...(clientMessageId ? { clientMessageId } : {}) },
    });
    // One group, as the engine's group commit hands it over: two sessions, one composer id sent twice.
    const results = await storeSends(t.engine, [
      send(second.sessionId, 'Second, one'),
      send(first.sessionId, 'First, one', 'composer-1'),
      send(first.sessionId, 'First, one', 'composer-1'),
      send(first.sessionId, 'First, two'),
      send(second.sessionId, 'Second, two'),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('fulfilled'));
    const [a, b, c, d, e] = results.map(
      (r) => (r as PromiseFulfilledResult<{ id: string; text: string }>).value,
    );
    expect([a, b, d, e].map((m) => m!.text)).toEqual([
      'Second, one',
      'First, one',
      'First, two',
      'Second, two',
    ]);
    // The repeated composer id answers the message stored first.
    expect(c!.id).toBe(b!.id);
    for (const { sessionId, texts } of [
      { sessionId: first.sessionId, texts: ['First, one', 'First, two'] },
      { sessionId: second.sessionId, texts: ['Second, one', 'Second, two'] },
    ]) {
      const stored = await t.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.sessionId, sessionId), eq(messages.authorKind, 'operator')))
        .orderBy(messages.position);
      expect(stored.map((m) => m.text)).toEqual(texts);
      const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
      expect(row!.lastMessageAt).toEqual(stored.at(-1)!.createdAt);
    }
    // Each reaches the customer once, in the order stored.
    const shown = () =>
      first.customer.events
        .filter(
          (ev) => ev.name === 'visitor.message' && String((ev.payload as any).text).startsWith('First, '),
        )
        .map((ev) => (ev.payload as any).text as string);
    await expect.poll(() => shown()).toEqual(['First, one', 'First, two']);
    first.customer.close();
    second.customer.close();
  });

  it('is refused to an operator of the group who takes no part, and for a session that has ended', async () => {
    const { t } = engine;
    const f = await engine.fixture();
    const { customer, sessionId } = await activeChat(t, f, 'Who can write to me?');
    const as = (name: 'supervisor' | 'olga', text: string) =>
      call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: f.sessions[name]!.headers,
        body: { text },
      });
    // The supervisor sees the session (its group) but does not take part in it.
    expect((await as('supervisor', 'Hello from the side')).body).toMatchObject({
      error: { code: 'not_in_session' },
    });
    // Petr is in another group: the session does not exist for him.
    const petr = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.petr!.headers,
      body: { text: 'Hello' },
    });
    expect(petr.status).toBe(404);
    const ended = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });
    expect(ended.status).toBe(200);
    expect((await as('olga', 'Too late')).body).toMatchObject({ error: { code: 'session_state' } });
    const out = await t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), eq(messages.authorKind, 'operator')));
    expect(out).toEqual([]);
    customer.close();
  });
});
