import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/database.js';
import { queryText } from '../db/database.js';
import { rowFromJson } from '../db/row-from-json.js';
import { messages, sessionEvents, sessions } from '../db/schema.js';
import { chooseGroup } from '../routing-rules/choose-group.js';
import { announceNewSession, announceSession } from './announce.js';
import { checkBusinessHours } from './business-hours.js';
import { scheduleComposerChange } from './composer-of.js';
import type { EngineDeps } from './engine-deps.js';
import type { InboundInput, InboundResult } from './receive-inbound.js';
import { sendSystemMessage } from './send-system-message.js';
import { scheduleSessionTimers } from './session-timers.js';
import type { MessageRow, SessionRow } from './sessions.repo.js';
import {
  customerMessageColumns,
  INSERT_GIVEN_MESSAGES,
  type NewSender,
  type ReturningCandidate,
} from './store-returning-messages.js';

type TimelineRow = typeof sessionEvents.$inferSelect;

/**
 * New sessions with their first messages, one per given customer, in one statement: each session is opened in the
 * state its first message leaves it in (waiting, the customer's window open), with its timeline's first entry, and
 * its message. A message whose channel id is already stored is not inserted, and its row has no message.
 */
const OPEN_SESSIONS_WITH_MESSAGES = `
  WITH given AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(n int, session_id uuid, tenant_id uuid, contact_id uuid,
      channel_account_id uuid, channel text, group_id uuid, source_url text, text text, channel_message_id text,
      client_message_id text, metadata jsonb, created_at timestamptz, sent_at timestamptz)
  ), opened AS (
    INSERT INTO sessions (id, tenant_id, contact_id, channel_account_id, channel, group_id, state, source_url,
      queued_at, created_at, last_customer_message_at, last_message_at)
    SELECT session_id, tenant_id, contact_id, channel_account_id, channel, group_id, 'waiting', source_url,
      created_at, created_at, sent_at, created_at
    FROM given ORDER BY n
    RETURNING *
  ), entries AS (
    INSERT INTO session_events (tenant_id, session_id, type, actor_kind, data, created_at)
    SELECT tenant_id, session_id, 'created', 'customer', json_build_object('groupId', group_id), created_at
    FROM given ORDER BY n
    RETURNING *
  ), inserted AS (
    ${INSERT_GIVEN_MESSAGES}
  )
  SELECT g.n, to_jsonb(s) AS session, to_jsonb(e) AS entry, to_jsonb(i) AS message
  FROM given g
  JOIN opened s ON s.id = g.session_id
  JOIN entries e ON e.session_id = g.session_id
  LEFT JOIN inserted i ON i.session_id = g.session_id`;

/**
 * Stores, in the caller's transaction, the first messages of new customers that arrived together (their contacts
 * made by `storeReturningMessages`): their sessions, timeline entries and messages in one statement where each
 * alone would take two, then what follows a first message (`afterFirstMessage`), exactly as `receiveInbound` stores
 * one. A message already stored under its channel id cannot be a new customer's first: the statement then throws,
 * and the caller stores the group one by one.
 */
export async function storeFirstMessages(
  tx: Executor,
  deps: EngineDeps,
  firsts: Array<{ candidate: ReturningCandidate; sender: NewSender }>,
): Promise<Map<number, InboundResult>> {
  const results = new Map<number, InboundResult>();
  if (firsts.length === 0) return results;
  const now = deps.now();
  const given = [];
  for (const { candidate, sender } of firsts) {
    const { input } = candidate;
    const { event } = input;
    const groupId = await chooseGroup(tx, input.tenantId, {
      channel: input.channel,
      channelAccountId: input.channelAccountId,
      at: now,
      ...(input.language ? { language: input.language } : {}),
    });
    given.push({
      n: candidate.n,
      session_id: randomUUID(),
      tenant_id: input.tenantId,
      contact_id: sender.contact.id,
      channel_account_id: input.channelAccountId,
      channel: input.channel,
      group_id: groupId,
      source_url: input.sourceUrl ?? null,
      ...customerMessageColumns(event, now),
    });
  }
  const rows = await queryText<{
    n: number;
    session: Record<string, unknown>;
    entry: Record<string, unknown>;
    message: Record<string, unknown> | null;
  }>(tx, OPEN_SESSIONS_WITH_MESSAGES, [JSON.stringify(given)], { prepareAs: 'open_sessions_with_messages' });
  if (rows.some((row) => !row.message)) throw new Error('a new customer’s first message was stored before');
  const inputs = new Map(firsts.map(({ candidate }) => [candidate.n, candidate.input]));
  for (const row of rows.sort((a, b) => a.n - b.n)) {
    const session = rowFromJson(sessions, row.session);
    // The session as it was before its first message, for what compares the two.
    const opened = { ...session, lastCustomerMessageAt: null, lastMessageAt: null };
    const message = rowFromJson(messages, row.message!);
    await afterFirstMessage(tx, deps, inputs.get(row.n)!, {
      session,
      opened,
      entry: rowFromJson(sessionEvents, row.entry),
      message,
    });
    results.set(row.n, { outcome: 'stored', session, message, newSession: true });
  }
  return results;
}

/**
 * What follows a new session's first message, once both are stored: the composer's timer, the events for operators
 * and the customer, the session's timers, and, outside the group's business hours, the offline message.
 */
export async function afterFirstMessage(
  tx: Executor,
  deps: EngineDeps,
  input: InboundInput,
  first: { session: SessionRow; opened: SessionRow; entry: TimelineRow; message: MessageRow },
): Promise<void> {
  const { session } = first;
  await scheduleComposerChange(tx, deps, session, first.opened);
  await announceNewSession(tx, deps, session, first.entry, first.message);
  await scheduleSessionTimers(tx, deps, session);
  const hours = session.groupId
    ? await checkBusinessHours(tx, input.tenantId, session.groupId, first.message.createdAt)
    : { open: true as const };
  if (!hours.open) {
    await sendSystemMessage(tx, deps, session, 'offline', hours.message ? { text: hours.message } : {});
    await announceSession(tx, deps, session);
  }
}
