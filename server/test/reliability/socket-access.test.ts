import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertChannelAccount } from '../../src/channels/channel-accounts.repo.js';
import { routingRules } from '../../src/db/schema.js';
import type { EventEnvelope } from '../../src/realtime/event-map.js';
import { call, logIn } from '../factories.js';
import { connectSocket, sleep, type TestSocket } from '../socket-client.js';
import { startTwoTenants, type TwoTenants } from '../two-tenants.js';
import { startWebchat } from '../webchat-client.js';

/*
 * The socket side of the access matrix: an operator receives only the events of their tenant and groups (live
 * and replayed), and every event a client emits is refused for a session or offer that is not theirs.
 */

let w: TwoTenants;
const sockets: Record<string, TestSocket> = {};
let sessionId: string;
let offerId: string;
let contactId: string;

const emit = <T>(socket: TestSocket, name: string, input: unknown) =>
  new Promise<{ ok: boolean; data?: T }>((resolve) => {
    (socket.socket.emit as (n: string, i: unknown, ack: (r: { ok: boolean; data?: T }) => void) => void)(
      name,
      input,
      resolve,
    );
  });

beforeAll(async () => {
  w = await startTwoTenants();
  const { t, a, b, s } = w;
  const key = `sock-${randomUUID()}`;
  const widget = await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: a.id,
    channel: 'webchat',
    name: 'Website',
    externalId: key,
  });
  await t.database.db
    .insert(routingRules)
    .values({ tenantId: a.id, position: 1, match: { channelAccountIds: [widget.id] }, groupId: a.groupA });
  const operatorB = await logIn(t.url, b.operators[0]!);
  for (const [name, session] of Object.entries({
    olga: s.olga,
    petr: s.petr,
    supervisorA: s.supervisorA,
    adminA: s.adminA,
    adminB: s.adminB,
    operatorB,
  }))
    sockets[name] = await connectSocket(t.url, { cookie: session.cookie });
  await w.api(s.olga, 'PUT', '/operators/me/presence', { status: 'available' });
  const customer = await startWebchat(t.url, key, { question: 'Secret question' });
  const offer = await sockets.olga!.waitFor((e) => e.name === 'offer.created');
  offerId = (offer.payload as { id: string }).id;
  sessionId = (offer.payload as { sessionId: string }).sessionId;
  contactId = (offer.payload as unknown as { session: { contactId: string } }).session.contactId;
  expect((await emit(sockets.olga!, 'offer.accept', { offerId })).ok).toBe(true);
  expect((await customer.send('Secret follow-up')).status).toBe(200);
  expect(
    (await w.api(s.olga, 'POST', `/sessions/${sessionId}/messages`, { text: 'Secret answer' })).status,
  ).toBe(201);
  await sockets.olga!.waitFor(
    (e) => e.name === 'message.created' && (e.payload as { text: string }).text === 'Secret follow-up',
  );
  await sleep(500);
  customer.close();
});
afterAll(async () => {
  Object.values(sockets).forEach((socket) => socket.close());
  await w?.t.close();
});

const mentions = (events: EventEnvelope[], ids: string[]) =>
  events.filter((e) => ids.some((id) => JSON.stringify(e).includes(id))).map((e) => e.name);

describe('socket access', () => {
  it("delivers a session's events to its group and supervisors only, never to another group or tenant", async () => {
    const ids = [sessionId, contactId, offerId];
    expect(mentions(sockets.olga!.events, ids)).toEqual(
      expect.arrayContaining(['offer.created', 'session.changed', 'message.created']),
    );
    expect(mentions(sockets.supervisorA!.events, ids)).toContain('session.changed');
    expect(mentions(sockets.adminA!.events, ids)).toContain('session.changed');
    expect(mentions(sockets.petr!.events, ids)).toEqual([]);
    expect(mentions(sockets.adminB!.events, [...ids, w.a.id])).toEqual([]);
    expect(mentions(sockets.operatorB!.events, [...ids, w.a.id])).toEqual([]);
    // Nor in what a reconnecting client is replayed.
    for (const session of [w.s.petr, w.s.adminB]) {
      const replay = await connectSocket(w.t.url, { cookie: session.cookie, lastSeq: 0 });
      await sleep(300);
      expect(mentions(replay.events, [...ids, ...(session === w.s.adminB ? [w.a.id] : [])])).toEqual([]);
      replay.close();
    }
  });

  it('refuses every client event about a session or offer of another group or tenant', async () => {
    const attempts: Array<[string, string, unknown]> = [];
    for (const name of ['petr', 'adminB', 'operatorB']) {
      attempts.push(
        [name, 'message.send', { sessionId, text: `Injected by ${name}` }],
        [name, 'offer.accept', { offerId }],
        [name, 'session.read', { sessionId, upToMessageId: randomUUID() }],
        [name, 'session.typing', { sessionId, typing: true }],
        [name, 'session.watch', { sessionId }],
        [name, 'message.retry', { sessionId, messageId: randomUUID() }],
      );
    }
    const accepted: string[] = [];
    for (const [name, event, input] of attempts) {
      const result = await emit(sockets[name]!, event, input);
      if (result.ok) accepted.push(`${name} ${event}`);
    }
    expect(accepted).toEqual([]);
    // The customer's conversation holds nothing they tried to write.
    const messages = await call(w.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: w.s.adminA.headers,
    });
    expect(JSON.stringify(messages.body)).not.toContain('Injected');
    // The same events from the session's own operator are accepted (the refusals are about access).
    expect((await emit(sockets.olga!, 'session.typing', { sessionId, typing: true })).ok).toBe(true);
  });
});
