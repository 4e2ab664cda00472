import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, sessions } from '../db/schema.js';
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
