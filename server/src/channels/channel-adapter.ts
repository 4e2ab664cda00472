import type { Executor } from '../db/database.js';
import type { Channel } from './channel-accounts.repo.js';

/*
 * The contract between the core (sessions, routing) and a channel. The core never sees a wire format: a channel
 * turns its webhooks into `InboundEvent`s and `OutboundMessage`s into its own calls, and tells the core its
 * window policy and limits. Web chat, WhatsApp and Messenger each implement it.
 */

export interface InboundAttachment {
  /** A file already stored (see files/), or one still to fetch from the channel. */
  fileId?: string;
  name: string;
  declaredType?: string;
  /** Channel-side reference (media id, URL) for a download job. */
  remoteRef?: string;
}

/** What a customer did, normalised. */
export type InboundEvent =
  | {
      kind: 'message';
      /** The channel's id of the message (wamid, mid, or the widget's client id): duplicates are dropped by it. */
      channelMessageId: string;
      /** The sender's own id for the message, where the channel has one (the web chat widget). */
      clientMessageId?: string;
      text?: string;
      attachments?: InboundAttachment[];
      /** The channel's id of the message this one quotes. */
      quotedChannelMessageId?: string;
      /** When the customer sent it, as the channel says. */
      sentAt: Date;
      /** Anything channel-specific worth keeping for display (type, location, payloads). */
      metadata?: Record<string, unknown>;
    }
  | { kind: 'reaction'; channelMessageId: string; emoji: string | null; sentAt: Date }
  /** `revoked`: the customer deleted the message; `text` is what the channel shows in its place. */
  | { kind: 'edit'; channelMessageId: string; text: string; sentAt: Date; revoked?: true }
  | {
      kind: 'status';
      channelMessageId: string;
      status: 'sent' | 'delivered' | 'read' | 'failed';
      at: Date;
      error?: ChannelError;
    }
  /** Every outbound message sent up to `upTo` was delivered or read (Messenger watermarks, web chat). */
  | { kind: 'watermark'; status: 'delivered' | 'read'; upTo: Date };

/** Who the customer is on this channel, with profile data to fill a new contact. */
export interface InboundContact {
  identities: Array<{
    kind: 'wa_id' | 'bsuid' | 'psid' | 'webchat_visitor' | 'phone' | 'email';
    value: string;
  }>;
  profile?: {
    name?: string;
    firstName?: string;
    lastName?: string;
    email?: string;
    phone?: string;
    avatarUrl?: string;
  };
}

export interface OutboundMessage {
  messageId: string;
  text?: string;
  /** Signed URLs or stored file ids of attachments, in order. */
  attachments?: Array<{ fileId: string; name: string; contentType: string; size: number }>;
  quotedChannelMessageId?: string;
  /** A WhatsApp template or Messenger tag decision, filled by the window policy. */
  template?: { name: string; language: string; parameters: unknown };
}

/** A failed send: retryable (rate limit, 5xx, network) or final, with the channel's code and a sentence for people. */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly retryable: boolean,
    /** For retryable errors: wait at least this long. */
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** What may be sent in a session right now. Pushed to the composer when it changes. */
export interface ComposerState {
  /** Free text and files allowed. */
  freeText: boolean;
  /** Until when free text stays allowed (null: no limit known). */
  freeTextUntil: Date | null;
  /** What is allowed when free text is not. */
  otherwise: 'templates' | 'nothing';
  /** Why free text is not allowed, for people. */
  reason?: string;
  /** Locked until the customer replies (after an outbound template). */
  lockedUntilReply?: boolean;
}

export interface WindowInput {
  lastCustomerMessageAt: Date | null;
  queuedAt: Date;
  now: Date;
  /** The channel refused free text before the window's computed end (WhatsApp 131047). */
  windowClosedAt: Date | null;
  /** An outbound template was sent and the customer has not answered yet. */
  lockedUntilReply: boolean;
}

/** Whether an ended session may be resumed now, and what it must open with. */
export type ResumePolicy =
  { allowed: true; opensWith: 'free_text' | 'template' } | { allowed: false; reason: string };

export interface ChannelLimits {
  maxTextLength: number;
  maxAttachmentsPerMessage: number;
}

export interface AutoEndPolicy {
  /** End the session this long after the customer entered the queue. */
  afterMs: number;
  /** Warn the customer this long before. */
  warnBeforeMs: number;
}

export interface ChannelAdapter {
  channel: Channel;
  limits: ChannelLimits;
  composerState(input: WindowInput): ComposerState;
  /** Resuming an ended session (SPEC §3); when absent, a resumed session opens with free text. */
  resumePolicy?(input: WindowInput): ResumePolicy;
  /**
   * Whether an automatic message (a system text: a warning, a notice) may reach the customer now; when absent,
   * whenever free text may. Messenger's HUMAN_AGENT tag, for example, carries a person's replies only.
   */
  automatedAllowed?(input: WindowInput): boolean;
  /** An automatic end the channel imposes (Messenger's 7-day window), if any. */
  autoEnd?: AutoEndPolicy;
  /**
   * Sends one message and returns the channel's id for it. Channels whose delivery is a database write (web chat)
   * set `inline` and are called inside the sending transaction; the others are called from the outbox after commit.
   */
  inline: boolean;
  send(context: SendContext, message: OutboundMessage): Promise<{ channelMessageId: string }>;
  /** Tells the customer's side that the operator has read these messages (read receipts). */
  markRead?(
    context: SendContext,
    messages: Array<{ messageId: string; channelMessageId: string | null }>,
  ): Promise<void>;
  /** Tells the customer's side that the session changed state (web chat shows who is there, or the end). */
  sessionChanged?(
    context: SendContext,
    state: 'waiting' | 'offered' | 'active' | 'ended',
    operators: string[],
  ): Promise<void>;
  /** Sends (or, with `emoji` null, removes) the operator's reaction to a customer's message, where the channel can. */
  react?(context: SendContext, target: { channelMessageId: string }, emoji: string | null): Promise<void>;
  /** Shows the customer that an operator is typing, where the channel can. */
  typing?(context: SendContext, typing: boolean, operatorName: string): Promise<void>;
}

export interface SendContext {
  /** The sending transaction, for inline channels. */
  tx: Executor;
  tenantId: string;
  channelAccountId: string;
  sessionId: string;
  contactId: string;
}

/** The window inputs of a session at `now`. */
export function windowInputOf(
  session: Pick<WindowInput, 'lastCustomerMessageAt' | 'queuedAt' | 'windowClosedAt' | 'lockedUntilReply'>,
  now: Date,
): WindowInput {
  return {
    lastCustomerMessageAt: session.lastCustomerMessageAt,
    queuedAt: session.queuedAt,
    windowClosedAt: session.windowClosedAt,
    lockedUntilReply: session.lockedUntilReply,
    now,
  };
}

/** Whether the channel lets an automatic message reach the customer now (see `ChannelAdapter.automatedAllowed`). */
export function automatedAllowed(adapter: ChannelAdapter, input: WindowInput): boolean {
  return adapter.automatedAllowed ? adapter.automatedAllowed(input) : adapter.composerState(input).freeText;
}
