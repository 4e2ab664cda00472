import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useWhatsAppKit, APP_SECRET, SHEENA, KAREL } from '../../src/channels/whatsapp/whatsapp-test-kit.js';
import { messages, sessions, users } from '../../src/db/schema.js';
import { driver } from '../harness.js';
import { queryRows } from '../../src/db/database.js';
import {
  batches,
  inPool,
  pick,
  postWebhook,
  scaled,
  seededRandom,
  shuffle,
  signature,
  SOAK,
  waMessagesBody,
  waStatusesBody,
  type WaInbound,
  type WaStatus,
} from './reliability-kit.js';

/*
 * Meta delivers at least once, batched and unordered. Signed deliveries over real HTTP, 30 % of them again, with
 * several messages per batch and statuses shuffled and repeated: one stored message per wamid, one open session
 * per customer, and a delivery status that only ever moves forward.
 */

const EXTRA = Array.from({ length: 8 }, (_, i) => ({
  waId: `42077700${String(i).padStart(4, '0')}`,
  name: `K${i}`,
}));
// Salt 17: the channel's own test files use 0–9; two digits give this file's numbers a length of their own.
const kit = useWhatsAppKit(17, { customers: EXTRA });
// PGlite runs one transaction at a time (no races to find, and slower): CI sends it fewer.
const DELIVERIES = scaled(driver === 'pglite' ? 150 : 1_000, 10_000);
const RANK: Record<string, number> = { sending: 0, sent: 1, delivered: 2, read: 3 };

describe('duplicate and disordered WhatsApp deliveries', () => {
  it(
    `stores each wamid once over ${Math.round(DELIVERIES * 0.85)} inbound deliveries, 30 % of them repeated`,
    async () => {
      const random = seededRandom('whatsapp inbound duplicates');
      const { number, accountId } = await kit.connectedTenant();
      const url = `${kit.t.url}/webhooks/whatsapp`;
      const run = `${random.seed}-${Date.now()}`;
      const customers = Array.from({ length: scaled(20, 100) }, (_, i) => ({
        from: `9${String(random.seed).slice(0, 6)}${String(i).padStart(5, '0')}`,
        name: `Customer ${i}`,
      }));
      // Fresh deliveries carry 1–3 new messages, sometimes with one already delivered re-batched into them;
      // 30 % of deliveries repeat an earlier body byte for byte (possibly while the first is still in flight).
      const inboundDeliveries = Math.round(DELIVERIES * 0.85);
      const bodies: string[] = [];
      const sent: WaInbound[] = [];
      let n = 0;
      for (let d = 0; d < inboundDeliveries; d++) {
        if (bodies.length > 0 && random.next() < 0.3) {
          bodies.push(pick(random, bodies));
          continue;
        }
        const fresh = Array.from({ length: 1 + Math.floor(random.next() * 3) }, () => {
          const customer = pick(random, customers);
          const item: WaInbound = {
            ...customer,
            wamid: `wamid.rel-${run}-${n}`,
            text: `message ${n}`,
            timestamp: 1_750_000_000 + Math.floor(random.next() * 10_000),
          };
          n++;
          return item;
        });
        if (sent.length > 0 && random.next() < 0.2) fresh.push(pick(random, sent));
        sent.push(...fresh);
        bodies.push(JSON.stringify(waMessagesBody(number, fresh)));
      }

      const started = Date.now();
      const statuses = await inPool(bodies, 8, async (body) => {
        const result = await postWebhook(url, body, { 'x-hub-signature-256': signature(APP_SECRET, body) });
        return result.status;
      });
      console.info(`${bodies.length} deliveries, ${n} messages in ${Date.now() - started} ms`);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);

      const counts = await queryRows<{ wamid: string; n: number }>(
        kit.t.database.db,
        sql`SELECT channel_message_id AS wamid, count(*)::int AS n FROM messages
            WHERE channel_account_id = ${accountId} AND direction = 'in' GROUP BY channel_message_id`,
      );
      expect(counts.filter((c) => Number(c.n) !== 1)).toEqual([]);
      expect(new Set(counts.map((c) => c.wamid))).toEqual(new Set(sent.map((m) => m.wamid)));
      // Customers whose first messages raced each other still have one open session each.
      const open = await queryRows<{ contact_id: string; n: number }>(
        kit.t.database.db,
        sql`SELECT contact_id, count(*)::int AS n FROM sessions
            WHERE channel_account_id = ${accountId} AND state <> 'ended' GROUP BY contact_id`,
      );
      expect(open.filter((o) => Number(o.n) !== 1)).toEqual([]);
      expect(open).toHaveLength(new Set(sent.map((m) => m.from)).size);
    },
    SOAK ? 1_800_000 : 240_000,
  );

  it(
    'moves statuses forward only, shuffled and repeated, some before the send is known',
    async () => {
      const random = seededRandom('whatsapp statuses');
      const { f, number, accountId } = await kit.connectedTenant();
      const url = `${kit.t.url}/webhooks/whatsapp`;
      // Olga takes several customers' sessions, so the sends stay under Meta's per-customer pair rate.
      const sessionCount = scaled(3, 8);
      await kit.t.database.db.update(users).set({ capacity: 10 }).where(eq(users.tenantId, f.tenant.id));
      const waIds = [SHEENA, KAREL, ...EXTRA.map((c) => c.waId)].slice(0, sessionCount);
      const active: Array<{ sessionId: string; waId: string }> = [];
      for (const waId of waIds)
        active.push({ sessionId: (await kit.activeSession(number, accountId, waId)).sessionId, waId });

      // Every status change the operator's workspace sees, per message, in the order it saw them.
      const seen = new Map<string, string[]>();
      f.sockets.olga!.socket.on('event', (event) => {
        if (event.name !== 'message.updated' && event.name !== 'message.created') return;
        const message = event.payload as { id: string; status: string; direction: string };
        if (message.direction !== 'out') return;
        seen.set(message.id, [...(seen.get(message.id) ?? []), message.status]);
      });

      // A third of the replies: Meta's statuses (duplicated, reordered) arrive before the send call returns.
      const early = Math.max(3, Math.round(scaled(20, 100) / 3));
      kit.sandbox.setSwitches({
        statusBeforeResponse: true,
        duplicate: true,
        reorder: true,
        statusProgression: 'read',
      });
      const earlyIds: string[] = [];
      for (let i = 0; i < early; i++)
        earlyIds.push(await kit.reply(active[i % active.length]!.sessionId, `early ${i}`));
      const statusOf = async (ids: string[]) =>
        Object.fromEntries(
          (await kit.t.database.db.select().from(messages).where(inArray(messages.id, ids))).map((m) => [
            m.id,
            m.status,
          ]),
        );
      await expect
        .poll(async () => statusOf(earlyIds), { timeout: 30_000 })
        .toEqual(Object.fromEntries(earlyIds.map((id) => [id, 'read'])));
      kit.sandbox.setSwitches({ statusBeforeResponse: false, statusProgression: 'none' });
      const replies = scaled(45, 240);
      const lateIds = await inPool(
        Array.from({ length: replies }, (_, i) => i),
        4,
        async (i) => kit.reply(active[i % active.length]!.sessionId, `reply ${i}`),
      );
      // The late replies' sends return first; only then do our own statuses for them go out.
      const sentRows = async () =>
        kit.t.database.db.select().from(messages).where(inArray(messages.id, lateIds));
      await expect
        .poll(async () => (await sentRows()).filter((m) => m.status === 'sending').length, {
          timeout: 60_000,
        })
        .toBe(0);
      const rows = await sentRows();
      const recipientOf = new Map(active.map((a) => [a.sessionId, a.waId]));
      // For each message a highest status; Meta may skip `delivered` when both come together.
      const highest = new Map<string, 'sent' | 'delivered' | 'read'>();
      const items: WaStatus[] = [];
      for (const row of rows) {
        const target = pick(random, ['sent', 'delivered', 'read'] as const);
        highest.set(row.id, target);
        const steps = (['sent', 'delivered', 'read'] as const).filter(
          (s) =>
            RANK[s]! <= RANK[target]! && !(s === 'delivered' && target === 'read' && random.next() < 0.3),
        );
        for (const step of steps) {
          const status: WaStatus = {
            wamid: row.channelMessageId!,
            status: step === 'read' && random.next() < 0.2 ? 'played' : step,
            recipient: recipientOf.get(row.sessionId)!,
            timestamp: 1_750_100_000 + RANK[step]!,
            ...(random.next() < 0.5 ? { callbackData: row.id } : {}),
          };
          items.push(status);
          if (random.next() < 0.3) items.push(status);
        }
      }
      const bodies = batches(random, shuffle(random, items), 5).map((batch) =>
        JSON.stringify(waStatusesBody(number, batch)),
      );
      // 30 % of the deliveries again, shuffled among the rest.
      const withRepeats = shuffle(random, [...bodies, ...bodies.filter(() => random.next() < 0.3)]);
      const codes = await inPool(withRepeats, 8, async (body) => {
        const result = await postWebhook(url, body, { 'x-hub-signature-256': signature(APP_SECRET, body) });
        return result.status;
      });
      expect(codes.filter((c) => c !== 200)).toEqual([]);
      await kit.sandbox.idle();

      expect(await statusOf(earlyIds)).toEqual(Object.fromEntries(earlyIds.map((id) => [id, 'read'])));
      expect(await statusOf(lateIds)).toEqual(Object.fromEntries(highest));
      // What the workspace was told never went backwards.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const backwards = [...seen].filter(([, list]) =>
        list.some((status, i) => i > 0 && (RANK[status] ?? -1) < (RANK[list[i - 1]!] ?? -1)),
      );
      expect(backwards).toEqual([]);
      // No status stored anything new: the wamids are still one message each.
      const [duplicated] = await queryRows<{ n: number }>(
        kit.t.database.db,
        sql`SELECT count(*)::int AS n FROM (SELECT channel_message_id FROM messages
            WHERE channel_account_id = ${accountId} AND channel_message_id IS NOT NULL
            GROUP BY channel_message_id HAVING count(*) > 1) d`,
      );
      expect(Number(duplicated!.n)).toBe(0);
      const stillOpen = await kit.t.database.db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.channelAccountId, accountId), eq(sessions.state, 'active')));
      expect(stillOpen).toHaveLength(active.length);
    },
    SOAK ? 1_800_000 : 240_000,
  );
});
