import type { Product } from '../graph/graph-error.js';

export type MessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** One message of a conversation, either direction, as the customer phone shows it. */
export interface StoredMessage {
  id: string;
  product: Product;
  /** phone_number_id or page id. */
  account: string;
  /** The customer's key (wa_id / BSUID / PSID). */
  customer: string;
  direction: 'inbound' | 'outbound';
  type: string;
  /** Human-readable content for the phone page (text, caption, template body…). */
  text: string;
  /** Media the customer phone can show, served by the sandbox. */
  mediaUrl?: string;
  mediaId?: string;
  mimeType?: string;
  filename?: string;
  /** Message this one quotes. */
  replyTo?: string;
  /** Emoji reactions on this message, by side. */
  reactions: { business?: string; customer?: string };
  /** Outbound: delivery status. Inbound: whether the business marked it read. */
  status: MessageStatus;
  typing?: boolean;
  at: number;
  error?: { code: number; title: string };
  /** WhatsApp: `biz_opaque_callback_data` to echo in statuses. Messenger: the send's `metadata`. */
  opaque?: string;
  /** WhatsApp template category, for the status `pricing`. */
  templateCategory?: string;
  /** The `to` of the send when no customer has that number. */
  to?: string;
}

/** Every message the sandbox has seen or sent, by id, with per-conversation order. */
export class MessageStore {
  private readonly byId = new Map<string, StoredMessage>();
  private readonly order: StoredMessage[] = [];

  add(message: Omit<StoredMessage, 'reactions'> & { reactions?: StoredMessage['reactions'] }): StoredMessage {
    const stored: StoredMessage = { reactions: {}, ...message };
    this.byId.set(stored.id, stored);
    this.order.push(stored);
    return stored;
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** The conversation between one account and one customer, oldest first. */
  conversation(product: Product, account: string, customer: string): StoredMessage[] {
    return this.order.filter(
      (m) => m.product === product && m.account === account && m.customer === customer,
    );
  }
}
