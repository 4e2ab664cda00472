import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from './engine-setup.js';
import { activeChat } from './engine-steps.js';
import { call } from './factories.js';
import { startTestApp, type TestApp } from './harness.js';

describe('unread count in the session summary', () => {
  let t: TestApp;
  let f: EngineFixture;
  beforeAll(async () => {
    t = await startTestApp();
    f = await engineFixture(t);
  });
  afterAll(async () => {
    f?.close();
    await t?.close();
  });

  it("counts the customer's messages not yet read, in the list and the events, and drops to 0 when read", async () => {
    const olga = f.sessions.olga!.headers;
    const { customer, sessionId } = await activeChat(t, f, 'First question');
    // Read receipts go by time: each message a second after the one before.
    for (const text of ['Second', 'Third']) {
      await t.advance(1000);
      await customer.send(text);
    }
    const unread = async () => {
      const list = await call(t.url, 'GET', '/api/v1/sessions?mine=true&state=active', { headers: olga });
      return list.body.items.find((s: any) => s.id === sessionId)?.unreadCount;
    };
    await expect.poll(unread).toBe(3);
    const changed = await f.sockets.olga!.waitFor(
      (e) => e.name === 'session.changed' && (e.payload as any).session.unreadCount === 3,
    );
    expect((changed.payload as any).session.id).toBe(sessionId);

    const messages = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, { headers: olga });
    const second = messages.body.items.find((m: any) => m.text === 'Second');
    const read = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/read`, {
      headers: olga,
      body: { upToMessageId: second.id },
    });
    expect(read.status).toBe(200);
    expect(await unread()).toBe(1);
    const detail = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, { headers: olga });
    expect(detail.body.session.unreadCount).toBe(1);
    customer.close();
  });
});
