import { randomInt } from 'node:crypto';
import type {
  MessengerCustomerOptions,
  WhatsAppCustomerOptions,
  WhatsAppCustomerState,
  ResolvedOptions,
} from '../options.js';

export interface WhatsAppCustomer {
  key: string;
  waId: string | undefined;
  phone: string | undefined;
  bsuid: string | undefined;
  name: string;
  username: string | undefined;
  state: WhatsAppCustomerState;
  /** Last inbound message time per business phone number id (epoch ms). */
  lastMessageAt: Map<string, number>;
}

export interface MessengerCustomer {
  key: string;
  psid: string;
  pageId: string;
  firstName: string;
  lastName: string;
  profileAvailable: boolean;
  state: 'reachable' | 'unavailable';
  tester: boolean;
  lastMessageAt: number | undefined;
}

/** The simulated customers and their customer-service windows. */
export class CustomerRegistry {
  readonly whatsapp = new Map<string, WhatsAppCustomer>();
  readonly messenger = new Map<string, MessengerCustomer>();

  constructor(private readonly options: ResolvedOptions) {}

  /** Adds (or replaces) a WhatsApp customer; BSUID-only customers have no wa_id and no phone. */
  addWhatsApp(input: WhatsAppCustomerOptions): WhatsAppCustomer {
    if (!input.waId && !input.bsuid) throw new Error('a WhatsApp customer needs a waId or a bsuid');
    const waId = input.waId?.replace(/\D/g, '');
    const customer: WhatsAppCustomer = {
      key: waId ?? input.bsuid!,
      waId,
      phone: input.phone?.replace(/\D/g, '') ?? waId,
      bsuid: input.bsuid,
      name: input.name,
      username: input.username,
      state: input.state ?? 'reachable',
      lastMessageAt: new Map(),
    };
    this.whatsapp.set(customer.key, customer);
    return customer;
  }

  /** Adds (or replaces) a Messenger customer with a page-scoped id. */
  addMessenger(input: MessengerCustomerOptions): MessengerCustomer {
    const pageId = input.pageId ?? this.options.pages[0]?.pageId;
    if (!pageId) throw new Error('no Messenger page is configured');
    const psid =
      input.psid ?? `${randomInt(1, 10)}${Array.from({ length: 15 }, () => randomInt(0, 10)).join('')}`;
    const customer: MessengerCustomer = {
      key: psid,
      psid,
      pageId,
      firstName: input.firstName,
      lastName: input.lastName,
      profileAvailable: input.profileAvailable ?? true,
      state: input.state ?? 'reachable',
      tester: input.tester ?? false,
      lastMessageAt: undefined,
    };
    this.messenger.set(psid, customer);
    return customer;
  }

  /** Finds a WhatsApp customer by wa_id, phone (with or without `+`) or BSUID. */
  findWhatsApp(handle: string): WhatsAppCustomer | undefined {
    const byKey = this.whatsapp.get(handle);
    if (byKey) return byKey;
    const digits = handle.replace(/\D/g, '');
    for (const c of this.whatsapp.values()) {
      if (c.bsuid === handle) return c;
      if (digits && (c.waId === digits || c.phone === digits)) return c;
    }
    return undefined;
  }

  findMessenger(psid: string): MessengerCustomer | undefined {
    return this.messenger.get(psid);
  }
}
