import { createHmac } from 'node:crypto';
import { INBOUND_NUMBER, META_APP } from './seed-bench.js';

/** A signed webhook POST: the exact bytes and the header Meta would send with them. */
export interface SignedWebhook {
  body: Buffer;
  signature: string;
}

/** `X-Hub-Signature-256` over the exact bytes, keyed with the app secret. */
export function signBody(body: Buffer, appSecret: string = META_APP.appSecret): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** The text of bench message `n`; operators' sockets are matched back to the message by it. */
export const messageText = (n: number) => `bench message ${n}`;
const TEXT_PATTERN = /^bench message (\d+)$/;

/** The bench message number a text carries, if it is one of ours. */
export function messageNumberOf(text: string | null | undefined): number | undefined {
  const match = text ? TEXT_PATTERN.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * One inbound text in Meta's WhatsApp Cloud API envelope (meta-protocols.md §2.4): one entry, one change, one
 * contact, one message, signed like Meta signs it.
 */
export function inboundWebhook(input: { runId: string; n: number; waId: string }): SignedWebhook {
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: INBOUND_NUMBER.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: INBOUND_NUMBER.displayPhoneNumber,
                phone_number_id: INBOUND_NUMBER.phoneNumberId,
              },
              contacts: [{ profile: { name: `Customer ${input.waId.slice(-6)}` }, wa_id: input.waId }],
              messages: [
                {
                  from: input.waId,
                  id: `wamid.${Buffer.from(`${input.runId}:${input.n}:${input.waId}`).toString('base64')}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: messageText(input.n) },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  const body = Buffer.from(JSON.stringify(payload));
  return { body, signature: signBody(body) };
}

export type CustomerMix = 'mixed' | 'new' | 'returning';

/**
 * Customers writing in: a share are new (a first message opens a session), the rest return to their open
 * session. A customer never has two messages in flight, as on a real phone, so every message is the newest of its
 * session when it commits.
 */
export class CustomerPool {
  private next = 0;
  private readonly idle: string[] = [];

  constructor(
    private readonly prefix: string,
    private readonly newShare: number,
  ) {}

  /** How many distinct customers have written so far. */
  get created(): number {
    return this.next;
  }

  /** A customer to write next: the usual mix, only new ones, or only returning ones (while there are any idle). */
  take(mix: CustomerMix = 'mixed'): { waId: string; isNew: boolean } {
    const returning = mix === 'returning' || (mix === 'mixed' && Math.random() >= this.newShare);
    if (mix !== 'new' && returning && this.idle.length > 0) {
      const index = Math.floor(Math.random() * this.idle.length);
      const waId = this.idle[index]!;
      this.idle[index] = this.idle[this.idle.length - 1]!;
      this.idle.pop();
      return { waId, isNew: false };
    }
    const waId = `${this.prefix}${String(this.next++).padStart(7, '0')}`;
    return { waId, isNew: true };
  }

  release(waId: string): void {
    this.idle.push(waId);
  }
}
