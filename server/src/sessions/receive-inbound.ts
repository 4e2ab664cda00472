import { and, eq, lte, sql } from 'drizzle-orm';
import type { InboundContact, InboundEvent } from '../channels/channel-adapter.js';
import type { Channel } from '../channels/channel-accounts.repo.js';
import type { Executor } from '../db/database.js';
import { messages, sessions } from '../db/schema.js';
import { chooseGroup } from '../routing-rules/choose-group.js';
import { eachInTurn } from '../lib/group-commit.js';
import { announceCustomerMessage, announceMessage } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceMessageStatus } from './message-status.js';
import { resolveContact, resolveMessageSender } from './resolve-contact.js';
import {
  openCustomerSession,
  type insertTimelineEntry,
  type MessageRow,
  type SessionRow,
} from './sessions.repo.js';
import { insertCustomerMessage } from './message-with-session.js';
import {
  storeReturningMessages,
  type NewSender,
  type ReturningCandidate,
} from './store-returning-messages.js';
import { scheduleComposerChange } from './composer-of.js';
import { afterFirstMessage, storeFirstMessages } from './store-first-messages.js';

export interface InboundInput {
  tenantId: string;
  channel: Channel;
  channelAccountId: string;
  customer: InboundContact;
  event: InboundEvent;
  /** The page a web chat was started on. */
  sourceUrl?: string;
  language?: string;
}

export type InboundResult =
  | { outcome: 'stored'; session: SessionRow; message: MessageRow; newSession: boolean }
  | { outcome: 'duplicate'; session: SessionRow; message: MessageRow }
  | { outcome: 'updated' | 'ignored' }
  | { outcome: 'blacklisted' };

/** Unique violation (a concurrent first message won) and, as a last resort, deadlock: run again. */
const RETRYABLE = new Set(['23505', '40P01']);

/**
 * The one entry point for what customers do, from every channel. A first message creates a session in the group
 * the routing rules choose and offers it; later messages join the open session; a duplicate delivery (same
 * channel message id) changes nothing. A new session is offered after its transaction commits (routing/dispatcher.ts),
 * without this waiting for it. Concurrent first messages of one contact end in one session: the
 * database refuses a second open session, and the loser runs again and joins the first.
 */
export async function receiveInbound(deps: EngineDeps, input: InboundInput): Promise<InboundResult> {
  const result = await deps.inbound.submit(input);
  if (result.outcome === 'stored') deps.metrics.messagesReceived.inc({ channel: input.channel });
  else if (result.outcome === 'duplicate') deps.metrics.duplicatesReceived.inc({ channel: input.channel });
  // Offered once the session is committed, in a short routing transaction shared with concurrent first messages.
  // Neither storing the message nor answering the channel waits on the tenant's routing lock: the message is stored
  // (and its waiting session shown to the group) once this returns, and the offer follows. A dispatch lost with its
  // process is made by the `dispatch-waiting` sweep.
  if (result.outcome === 'stored' && result.newSession && result.session.groupId)
    void deps.dispatcher.request(input.tenantId, result.session.groupId);
  return result;
}

/**
 * Stores events that arrived together (the engine's group commit, lib/group-commit.ts) in one transaction, each
 * exactly as it would be stored alone, in an order every group follows: by account and customer, so two groups take
 * their sessions' row locks the same way round, and one customer's events keep the order they came in. When that
 * transaction fails (a concurrent first message of the same customer, a deadlock, one bad event), each event is
 * stored again on its own with its own retries, so a failure is only that event's.
 */
export async function storeInboundBatch(
  deps: EngineDeps,
  inputs: InboundInput[],
): Promise<PromiseSettledResult<InboundResult>[]> {
  if (inputs.length > 1) {
    const keyOf = (input: InboundInput) =>
      `${input.channelAccountId} ${input.customer.identities[0]?.value ?? ''}`;
    const order = inputs
      .map((input, index) => ({ key: keyOf(input), index }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    try {
      const results = await deps.database.db.transaction(async (tx) => {
        // Returning customers' messages first, together, and new customers' first messages; then the rest one by
        // one, in order. A customer's first event of the group is the only one that may go first, so its events
        // keep their order.
        const candidates = returningCandidates(inputs, order);
        const { results: together, newCustomers } = await storeReturningMessages(tx, deps, candidates);
        // New customers' first messages, together too, before any later event of theirs.
        const firsts = await storeFirstMessages(
          tx,
          deps,
          candidates.flatMap((candidate) => {
            const sender = newCustomers.get(candidate.n);
            return sender && !sender.blacklisted ? [{ candidate, sender }] : [];
          }),
        );
        const stored: InboundResult[] = new Array(inputs.length);
        for (const { index } of order)
          stored[index] =
            together.get(index) ??
            firsts.get(index) ??
            (await receiveInTransaction(tx, deps, inputs[index]!, newCustomers.get(index)));
        return stored;
      });
      return results.map((value) => ({ status: 'fulfilled', value }));
    } catch {
      // Each on its own, below.
    }
  }
  return eachInTurn(inputs, (input) => storeInbound(deps, input));
}

/** The messages of a group that `storeReturningMessages` may take: each customer's first event, when it can. */
function returningCandidates(
  inputs: InboundInput[],
  order: Array<{ key: string; index: number }>,
): ReturningCandidate[] {
  const candidates: ReturningCandidate[] = [];
  const customers = new Set<string>();
  const messageIds = new Set<string>();
  for (const { key, index } of order) {
    const input = inputs[index]!;
    const first = !customers.has(key);
    customers.add(key);
    const { event } = input;
    if (!first || event.kind !== 'message' || event.quotedChannelMessageId) continue;
    if (input.customer.identities.length !== 1) continue;
    const messageId = `${input.channelAccountId} ${event.channelMessageId}`;
    if (messageIds.has(messageId)) continue;
    messageIds.add(messageId);
    candidates.push({ n: index, input: { ...input, event } });
  }
  return candidates;
}

async function storeInbound(deps: EngineDeps, input: InboundInput): Promise<InboundResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.database.db.transaction((tx) => receiveInTransaction(tx, deps, input));
    } catch (error) {
      const code =
        (error as { code?: string; cause?: { code?: string } }).code ??
        (error as { cause?: { code?: string } }).cause?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= 3) throw error;
    }
  }
}

async function receiveInTransaction(
  tx: Executor,
  deps: EngineDeps,
  input: InboundInput,
  /** A new customer's contact, made earlier in this transaction with the group's others. */
  newSender?: NewSender,
): Promise<InboundResult> {
  const { event } = input;
  if (event.kind === 'status') return applyStatus(tx, deps, input, event);
  if (event.kind === 'watermark') return applyWatermark(tx, deps, input, event);
  if (event.kind !== 'message') {
    await resolveContact(tx, input.tenantId, input.channelAccountId, input.customer);
    return applyChange(tx, deps, input, event);
  }
  const { contact, openSession, blacklisted } = newSender
    ? { ...newSender, openSession: undefined }
    : await resolveMessageSender(tx, input.tenantId, input.channelAccountId, input.customer);
  if (blacklisted) return { outcome: 'blacklisted' };
  const now = deps.now();
  let session = openSession;
  const newSession = !session;
  let createdEntry: Awaited<ReturnType<typeof insertTimelineEntry>> | undefined;
  if (!session) {
    // A concurrent first message of the same contact waits on the open-session unique index and joins this one
    // (RETRYABLE). No routing lock here: the session is offered after commit (receiveInbound).
    const groupId = await chooseGroup(tx, input.tenantId, {
      channel: input.channel,
      channelAccountId: input.channelAccountId,
      at: now,
      ...(input.language ? { language: input.language } : {}),
    });
    const opened = await openCustomerSession(tx, {
      tenantId: input.tenantId,
      contactId: contact.id,
      channelAccountId: input.channelAccountId,
      channel: input.channel,
      groupId,
      sourceUrl: input.sourceUrl ?? null,
      at: now,
    });
    session = opened.session;
    createdEntry = opened.entry;
  }
  let quotedMessageId: string | null = null;
  if (event.quotedChannelMessageId) {
    const [quoted] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.channelAccountId, input.channelAccountId),
          eq(messages.channelMessageId, event.quotedChannelMessageId),
        ),
      );
    quotedMessageId = quoted?.id ?? null;
  }
  const previous = session;
  const stored = await insertCustomerMessage(tx, {
    tenantId: input.tenantId,
    sessionId: session.id,
    channelAccountId: input.channelAccountId,
    text: event.text ?? null,
    quotedMessageId,
    channelMessageId: event.channelMessageId,
    clientMessageId: event.clientMessageId ?? null,
    metadata: {
      ...(event.metadata ?? {}),
      ...(event.attachments?.length ? { attachments: event.attachments } : {}),
    },
    createdAt: now,
    sentAt: event.sentAt,
  });
  const { message } = stored;
  if (!stored.session) return { outcome: 'duplicate', session, message };
  session = stored.session;
  if (newSession) {
    await afterFirstMessage(tx, deps, input, { session, opened: previous, entry: createdEntry!, message });
    return { outcome: 'stored', session, message, newSession };
  }
  await scheduleComposerChange(tx, deps, session, previous);
  await announceCustomerMessage(tx, deps, session, message);
  return { outcome: 'stored', session, message, newSession };
}

async function findByChannelId(tx: Executor, channelAccountId: string, channelMessageId: string) {
  const [row] = await tx
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(
      and(eq(messages.channelAccountId, channelAccountId), eq(messages.channelMessageId, channelMessageId)),
    );
  return row;
}

async function applyStatus(
  tx: Executor,
  _deps: EngineDeps,
  input: InboundInput,
  event: Extract<InboundEvent, { kind: 'status' }>,
): Promise<InboundResult> {
  const found = await findByChannelId(tx, input.channelAccountId, event.channelMessageId);
  if (!found) return { outcome: 'ignored' };
  const updated = await advanceMessageStatus(
    tx,
    found.message.id,
    event.status === 'failed'
      ? {
          status: 'error',
          at: event.at,
          errorCode: event.error?.code ?? 'failed',
          errorReason: event.error?.reason ?? 'The channel could not deliver the message',
        }
      : { status: event.status, at: event.at },
  );
  if (!updated) return { outcome: 'ignored' };
  await announceMessage(tx, found.session, updated, 'message.updated');

  return { outcome: 'updated' };
}

/** Every outbound message of the contact's sessions on this account sent up to the watermark is delivered/read. */
async function applyWatermark(
  tx: Executor,
  deps: EngineDeps,
  input: InboundInput,
  event: Extract<InboundEvent, { kind: 'watermark' }>,
): Promise<InboundResult> {
  const contact = await resolveContact(tx, input.tenantId, input.channelAccountId, input.customer);
  const candidates = await tx
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(
      and(
        eq(sessions.contactId, contact.id),
        eq(messages.channelAccountId, input.channelAccountId),
        eq(messages.direction, 'out'),
        lte(messages.createdAt, event.upTo),
        sql`${messages.status} IN ('sent', 'delivered')`,
      ),
    );
  for (const { message, session } of candidates) {
    const updated = await advanceMessageStatus(tx, message.id, { status: event.status, at: deps.now() });
    if (updated) await announceMessage(tx, session, updated, 'message.updated');
  }
  return { outcome: candidates.length ? 'updated' : 'ignored' };
}

/** A reaction or an edit of an earlier message: kept on the message, the original text preserved. */
async function applyChange(
  tx: Executor,
  _deps: EngineDeps,
  input: InboundInput,
  event: Extract<InboundEvent, { kind: 'reaction' | 'edit' }>,
): Promise<InboundResult> {
  const found = await findByChannelId(tx, input.channelAccountId, event.channelMessageId);
  if (!found) return { outcome: 'ignored' };
  const metadata = { ...found.message.metadata };
  let text = found.message.text;
  if (event.kind === 'reaction') {
    metadata.reactions = { ...((metadata.reactions as Record<string, string>) ?? {}), customer: event.emoji };
    if (event.emoji === null) delete (metadata.reactions as Record<string, unknown>).customer;
  } else {
    const edits = (metadata.edits as unknown[]) ?? [];
    metadata.edits = [...edits, { previousText: found.message.text, at: event.sentAt.toISOString() }];
    text = event.text;
    // Marked, so that readers need not recognise the channel's placeholder text.
    if (event.revoked) metadata.revoked = true;
  }
  const [updated] = await tx
    .update(messages)
    .set({ metadata, text })
    .where(eq(messages.id, found.message.id))
    .returning();
  await announceMessage(tx, found.session, updated!, 'message.updated');

  return { outcome: 'updated' };
}
