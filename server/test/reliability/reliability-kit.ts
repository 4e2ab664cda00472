import { createHmac } from 'node:crypto';

/*
 * What the reliability tests share: the soak switch, a seeded random source (the seed is printed so a failure
 * can be replayed with SEED=…), a bounded pool for concurrent requests, and Meta's webhook bodies, signed.
 */

/** `npm run soak` sets SOAK=1: the same tests with long counts. */
export const SOAK = process.env.SOAK === '1';

export function scaled(ci: number, soak: number): number {
  return SOAK ? soak : ci;
}

/** A seeded generator (mulberry32): the same seed gives the same run. */
export function seededRandom(label: string): { seed: number; next(): number } {
  const seed = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
  console.info(`${label}: SEED=${seed}`);
  let state = seed >>> 0;
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let r = state;
      r = Math.imul(r ^ (r >>> 15), r | 1);
      r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
      return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    },
  };
}

export type Random = ReturnType<typeof seededRandom>;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)]!;
}

export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Runs `task` over `items` with at most `concurrency` in flight; answers the results in order. */
export async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export function signature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts raw bytes to a webhook as Meta does; answers the status and the reply's text. */
export async function postWebhook(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

export interface WaNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

export interface WaInbound {
  from: string;
  name: string;
  wamid: string;
  text: string;
  timestamp: number;
}

export interface WaStatus {
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'played' | 'failed';
  recipient: string;
  timestamp: number;
  callbackData?: string;
}

function change(number: WaNumber, value: Record<string, unknown>) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
      ...value,
    },
  };
}

/**
 * One webhook body carrying these messages in Meta's format: consecutive messages of one sender share a change
 * (with its `contacts`), and every third change opens a new entry, so batches use every level of nesting.
 */
export function waMessagesBody(number: WaNumber, items: WaInbound[]): Record<string, unknown> {
  const changes: ReturnType<typeof change>[] = [];
  let run: WaInbound[] = [];
  const flush = () => {
    if (run.length === 0) return;
    changes.push(
      change(number, {
        contacts: [{ profile: { name: run[0]!.name }, wa_id: run[0]!.from }],
        messages: run.map((m) => ({
          from: m.from,
          id: m.wamid,
          timestamp: String(m.timestamp),
          type: 'text',
          text: { body: m.text },
        })),
      }),
    );
    run = [];
  };
  for (const item of items) {
    if (run.length > 0 && run[0]!.from !== item.from) flush();
    run.push(item);
  }
  flush();
  const entry: Array<{ id: string; changes: unknown[] }> = [];
  changes.forEach((c, i) => {
    if (i % 3 === 0) entry.push({ id: number.wabaId, changes: [] });
    entry[entry.length - 1]!.changes.push(c);
  });
  return { object: 'whatsapp_business_account', entry };
}

/** One webhook body carrying these statuses in one change. */
export function waStatusesBody(number: WaNumber, statuses: WaStatus[]): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          change(number, {
            statuses: statuses.map((s) => ({
              id: s.wamid,
              status: s.status,
              timestamp: String(s.timestamp),
              recipient_id: s.recipient,
              ...(s.callbackData ? { biz_opaque_callback_data: s.callbackData } : {}),
            })),
          }),
        ],
      },
    ],
  };
}

/** Splits items into consecutive batches of 1…max. */
export function batches<T>(random: Random, items: T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length;) {
    const size = 1 + Math.floor(random.next() * max);
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}
