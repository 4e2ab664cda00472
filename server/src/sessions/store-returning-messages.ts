import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { queryText } from '../db/database.js';
import { rowFromJson } from '../db/row-from-json.js';
import { contacts, messages, sessions } from '../db/schema.js';
import { blacklistPairsOf, knownBySql } from '../blacklist/blacklist.repo.js';
import { blacklistedAfter, blacklistKeysOf } from '../blacklist/is-blacklisted.js';
import { announceCustomerMessage } from './announce.js';
import { scheduleComposerChange, type ComposerInput } from './composer-of.js';
import type { EngineDeps } from './engine-deps.js';
import type { InboundInput, InboundResult } from './receive-inbound.js';
import { cardOf, newContactOf, SCOPED_IDENTITIES } from './resolve-contact.js';
import type { SessionRow } from './sessions.repo.js';

type ContactRow = typeof contacts.$inferSelect;

/**
 * Returning customers' senders, one row per given customer (`g`): whether its one identity is unknown (a new
 * customer), and, in the usual case, the open session on the account of the unmerged contact holding it (its id and
 * what its composer allowed, `previousOf`). Each also carries the first look at the blacklist (an entry naming the
 * contact or one of the given identities) and what else the contact is known by, as `resolveMessageSender` reads
 * them for one customer. Every table is reached by key from the given rows (the identity's unique key, the open
 * session's unique index), so the generic plan is the one any call wants.
 */
const SENDERS = `
  SELECT g.*, known.contact_id IS NULL AS unknown, s.id AS open_session_id,
    -- What the message is stored against, and what the composer allowed before it: not the whole row.
    CASE WHEN s.id IS NOT NULL THEN jsonb_build_object('id', s.id, 'state', s.state, 'channel', s.channel,
      'queued_at', s.queued_at, 'last_customer_message_at', s.last_customer_message_at,
      'window_closed_at', s.window_closed_at, 'locked_until_reply', s.locked_until_reply) END AS session,
    EXISTS (
      SELECT 1 FROM blacklist_entries b
      WHERE b.tenant_id = g.tenant_id AND (b.contact_id = c.id OR (b.identity_kind, b.identity_value) IN (
        SELECT p->>0, p->>1 FROM jsonb_array_elements(g.pairs) AS p))) AS blacklist_matched,
    ${knownBySql('c')} AS known_by
  FROM g
  -- Each step is a lateral subquery with a LIMIT, which the planner cannot merge into a hash join over a whole
  -- table: every row is probed by index, whatever the statistics said when the generic plan was made.
  LEFT JOIN LATERAL (
    (SELECT i.contact_id FROM contact_identities i
     WHERE i.tenant_id = g.tenant_id AND i.kind = g.kind AND i.channel_account_id = g.scope AND i.value = g.value)
    UNION ALL
    (SELECT i.contact_id FROM contact_identities i
     WHERE g.scope IS NULL AND i.tenant_id = g.tenant_id AND i.kind = g.kind AND i.channel_account_id IS NULL
       AND i.value = g.value)
    LIMIT 1) AS known ON true
  LEFT JOIN LATERAL (
    SELECT c.id, c.phone, c.email FROM contacts c WHERE c.id = known.contact_id AND c.merged_into_id IS NULL
    LIMIT 1) AS c ON true
  LEFT JOIN LATERAL (
    SELECT * FROM sessions s
    WHERE s.tenant_id = g.tenant_id AND s.contact_id = c.id AND s.channel_account_id = g.account_id
      AND s.state <> 'ended'
    LIMIT 1) AS s ON true`;

/**
 * The customers' messages of a statement's `given` rows (`customerMessageColumns` with their session's ids), in the
 * rows' order, unless a message's channel id is already stored; answers those inserted.
 */
export const INSERT_GIVEN_MESSAGES = `INSERT INTO messages (tenant_id, session_id, channel_account_id, direction,
      author_kind, text, channel_message_id, client_message_id, status, metadata, created_at)
    SELECT tenant_id, session_id, channel_account_id, 'in', 'customer', text, channel_message_id,
      client_message_id, 'received', metadata, created_at
    FROM given ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING *`;

/**
 * Customers' messages and what each changes on its session (`insertCustomerMessage` for many): a message is
 * inserted unless its channel id is already stored, and only an inserted message updates its session. One row per
 * inserted message, with the message and its session as they are now; a duplicate delivery returns no row.
 */
const INSERT_MESSAGES = `
  WITH given AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(n int, tenant_id uuid, session_id uuid,
      channel_account_id uuid, text text, channel_message_id text, client_message_id text, metadata jsonb,
      created_at timestamptz, sent_at timestamptz)
  ), inserted AS (
    ${INSERT_GIVEN_MESSAGES}
  ), updated AS (
    -- The customer wrote: the channel's window opens again, and a reply lock (after an outbound template) ends.
    UPDATE sessions s SET last_customer_message_at = g.sent_at, last_message_at = g.created_at,
      window_closed_at = NULL, locked_until_reply = false
    FROM given g
    -- The sessions by primary key, not a scan of the table joined by hash.
    WHERE s.id = ANY (ARRAY(SELECT session_id FROM given)) AND s.id = g.session_id AND EXISTS (
      SELECT 1 FROM inserted i
      WHERE i.channel_account_id = g.channel_account_id AND i.channel_message_id = g.channel_message_id)
    RETURNING s.*
  )
  SELECT g.n, to_jsonb(i) AS message, to_jsonb(u) AS session
  FROM given g
  JOIN inserted i ON i.channel_account_id = g.channel_account_id AND i.channel_message_id = g.channel_message_id
  JOIN updated u ON u.id = g.session_id`;

/**
 * `SENDERS`, and in the same statement the messages of the usual case stored as `INSERT_MESSAGES` stores them: the
 * sender has an open session, no blacklist entry names its contact or the identity it wrote from, and its contact
 * is known by nothing else (any identity besides that one, the same phone number as a `wa_id` aside, or an email
 * on its card). For those the blacklist's second look (`blacklistedAfter`) has nothing to look at, so storing them
 * at once is what the two statements would do; every other sender is answered for the caller to look at. One row
 * per given customer; `taken` says whether its message was one of the usual case, and `message` and `stored` are
 * the message and its session once stored (none for a duplicate delivery).
 */
const SENDERS_AND_MESSAGES = `
  WITH g AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(n int, tenant_id uuid, account_id uuid, scope uuid, kind text,
      value text, pairs jsonb, text text, channel_message_id text, client_message_id text, metadata jsonb,
      created_at timestamptz, sent_at timestamptz)
  ), senders AS (${SENDERS}
  ), given AS (
    SELECT n, tenant_id, open_session_id AS session_id, account_id AS channel_account_id, text, channel_message_id,
      client_message_id, metadata, created_at, sent_at
    FROM senders sd
    WHERE open_session_id IS NOT NULL AND NOT blacklist_matched AND NOT EXISTS (
      SELECT 1 FROM json_array_elements(sd.known_by) AS k
      WHERE NOT ((k->>'kind' = sd.kind AND k->>'value' = sd.value) OR (
        k->>'kind' IN ('phone', 'wa_id') AND sd.kind IN ('phone', 'wa_id')
        AND regexp_replace(sd.value, '[^0-9]', '', 'g') <> ''
        AND regexp_replace(k->>'value', '[^0-9]', '', 'g') = regexp_replace(sd.value, '[^0-9]', '', 'g'))))
  ), inserted AS (
    ${INSERT_GIVEN_MESSAGES}
  ), updated AS (
    UPDATE sessions s SET last_customer_message_at = gv.sent_at, last_message_at = gv.created_at,
      window_closed_at = NULL, locked_until_reply = false
    FROM given gv
    WHERE s.id = ANY (ARRAY(SELECT session_id FROM given)) AND s.id = gv.session_id AND EXISTS (
      SELECT 1 FROM inserted i
      WHERE i.channel_account_id = gv.channel_account_id AND i.channel_message_id = gv.channel_message_id)
    RETURNING s.*
  )
  SELECT s.n, s.unknown, s.session, s.blacklist_matched, s.known_by, gv.n IS NOT NULL AS taken,
    to_jsonb(i) AS message, to_jsonb(u) AS stored
  FROM senders s
  LEFT JOIN given gv ON gv.n = s.n
  LEFT JOIN inserted i
    ON i.channel_account_id = gv.channel_account_id AND i.channel_message_id = gv.channel_message_id
  LEFT JOIN updated u ON u.id = gv.session_id AND i.id IS NOT NULL`;

/**
 * New customers' contacts, each with the identity it came with, in one statement. An identity another transaction
 * took meanwhile is not inserted, and its row says so (`joined` false): the caller drops that contact and looks the
 * customer up again.
 */
const CREATE_CONTACTS = `
  WITH given AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(n int, id uuid, tenant_id uuid, name text, first_name text,
      last_name text, email text, phone text, avatar_url text, kind text, value text, scope uuid)
  ), created AS (
    INSERT INTO contacts (id, tenant_id, name, first_name, last_name, email, phone, avatar_url)
    SELECT id, tenant_id, name, first_name, last_name, email, phone, avatar_url FROM given ORDER BY n
    RETURNING *
  ), joined AS (
    INSERT INTO contact_identities (tenant_id, contact_id, kind, value, channel_account_id)
    SELECT tenant_id, id, kind, value, scope FROM given ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING contact_id
  )
  SELECT g.n, to_jsonb(c) AS contact, EXISTS (SELECT 1 FROM joined j WHERE j.contact_id = g.id) AS joined
  FROM given g JOIN created c ON c.id = g.id`;

/** A message `storeReturningMessages` may take: `n` names it in the answer. */
export interface ReturningCandidate {
  n: number;
  input: InboundInput & { event: { kind: 'message' } };
}

/**
 * Stores, in the caller's transaction, the messages of returning customers that arrived together: their senders and,
 * in the usual case, their messages with their sessions' updates in one statement for all of them, where each alone
 * would take two; a second statement stores those whose senders the blacklist had to look at again. Their events
 * share one read of the sessions' views when the transaction's work is done. Each is stored exactly as
 * `receiveInbound` would store it alone. Candidates must be one message per customer and channel message id, with
 * one identity and no quote; those that are not the usual case (a new or merged contact, no open session, a
 * duplicate delivery) are left out of the answer, for the caller to store one by one. Customers whose identity no
 * contact held get their contacts here, together (`newCustomers`), for the caller to store their messages with.
 */
export async function storeReturningMessages(
  tx: Executor,
  deps: EngineDeps,
  candidates: ReturningCandidate[],
): Promise<{ results: Map<number, InboundResult>; newCustomers: Map<number, NewSender> }> {
  const results = new Map<number, InboundResult>();
  const newCustomers = new Map<number, NewSender>();
  if (candidates.length === 0) return { results, newCustomers };
  const byN = new Map(candidates.map((candidate) => [candidate.n, candidate.input]));
  const keysOf = new Map(candidates.map(({ n, input }) => [n, blacklistKeysOf(input.customer.identities)]));
  const now = deps.now();
  const senders = await queryText<{
    n: number;
    unknown: boolean;
    session: Record<string, unknown> | null;
    blacklist_matched: boolean;
    known_by: Array<{ kind: string; value: string }>;
    taken: boolean;
    message: Record<string, unknown> | null;
    stored: Record<string, unknown> | null;
  }>(
    tx,
    SENDERS_AND_MESSAGES,
    [
      JSON.stringify(
        candidates.map(({ n, input }) => {
          const [identity] = input.customer.identities;
          const { kinds, values } = blacklistPairsOf([...keysOf.get(n)!.values()]);
          return {
            n,
            tenant_id: input.tenantId,
            account_id: input.channelAccountId,
            scope: SCOPED_IDENTITIES.has(identity!.kind) ? input.channelAccountId : null,
            kind: identity!.kind,
            value: identity!.value,
            pairs: kinds.map((kind, index) => [kind, values[index]]),
            ...customerMessageColumns(input.event, now),
          };
        }),
      ),
    ],
    { prepareAs: 'returning_senders_and_messages' },
  );
  const unknown = senders.filter((sender) => sender.unknown);
  if (unknown.length)
    for (const [n, sender] of await createContacts(tx, unknown, byN, keysOf)) newCustomers.set(n, sender);
  // Each sender's session as it was, what the statement stored, and the senders the blacklist looked at again.
  const previous = new Map<number, ComposerInput & Pick<SessionRow, 'id'>>();
  const stored: Array<{ n: number; message: Record<string, unknown>; session: Record<string, unknown> }> = [];
  const looked: number[] = [];
  for (const sender of senders) {
    if (!sender.session) continue;
    if (sender.taken) {
      // A duplicate delivery stored nothing, and is left to the caller.
      if (!sender.message || !sender.stored) continue;
      previous.set(sender.n, previousOf(sender.session));
      stored.push({ n: sender.n, message: sender.message, session: sender.stored });
      continue;
    }
    const input = byN.get(sender.n)!;
    const first = { matched: sender.blacklist_matched, identities: sender.known_by };
    if (await blacklistedAfter(tx, input.tenantId, keysOf.get(sender.n)!, first)) {
      results.set(sender.n, { outcome: 'blacklisted' });
      continue;
    }
    previous.set(sender.n, previousOf(sender.session));
    looked.push(sender.n);
  }
  if (looked.length > 0)
    stored.push(
      ...(await queryText<{ n: number; message: Record<string, unknown>; session: Record<string, unknown> }>(
        tx,
        INSERT_MESSAGES,
        [
          JSON.stringify(
            looked.map((n) => {
              const { tenantId, channelAccountId, event } = byN.get(n)!;
              return {
                n,
                tenant_id: tenantId,
                session_id: previous.get(n)!.id,
                channel_account_id: channelAccountId,
                ...customerMessageColumns(event, now),
              };
            }),
          ),
        ],
        { prepareAs: 'insert_customer_messages' },
      )),
    );
  for (const row of stored.sort((a, b) => a.n - b.n)) {
    const message = rowFromJson(messages, row.message);
    const session = sessionOf(row.session);
    await scheduleComposerChange(tx, deps, session, previous.get(row.n));
    await announceCustomerMessage(tx, deps, session, message);
    results.set(row.n, { outcome: 'stored', session, message, newSession: false });
  }
  return { results, newCustomers };
}

/** A customer's message as a row of the statements that store several (`jsonb_to_recordset`), stored at `now`. */
export function customerMessageColumns(event: ReturningCandidate['input']['event'], now: Date) {
  return {
    text: event.text ?? null,
    channel_message_id: event.channelMessageId,
    client_message_id: event.clientMessageId ?? null,
    metadata: {
      ...(event.metadata ?? {}),
      ...(event.attachments?.length ? { attachments: event.attachments } : {}),
    },
    created_at: now.toISOString(),
    sent_at: event.sentAt.toISOString(),
  };
}

/** A new customer's contact, made with the group's others, and whether the tenant refuses the customer. */
export interface NewSender {
  contact: ContactRow;
  blacklisted: boolean;
}

/**
 * Creates the contacts of customers whose identity no contact held, as `resolveMessageSender` would one by one:
 * the contact from the channel's profile, its identity, and the blacklist's look at the identity (read with the
 * senders) and at the card. One whose identity was taken meanwhile is dropped, and left out of the answer.
 */
async function createContacts(
  tx: Executor,
  unknown: Array<{ n: number; blacklist_matched: boolean }>,
  byN: Map<number, InboundInput>,
  keysOf: Map<number, ReturnType<typeof blacklistKeysOf>>,
): Promise<Map<number, NewSender>> {
  const created = await queryText<{ n: number; contact: Record<string, unknown>; joined: boolean }>(
    tx,
    CREATE_CONTACTS,
    [
      JSON.stringify(
        unknown.map(({ n }) => {
          const input = byN.get(n)!;
          const [identity] = input.customer.identities;
          const card = newContactOf(input.customer);
          return {
            n,
            id: randomUUID(),
            tenant_id: input.tenantId,
            name: card.name,
            first_name: card.firstName,
            last_name: card.lastName,
            email: card.email,
            phone: card.phone,
            avatar_url: card.avatarUrl,
            kind: identity!.kind,
            value: identity!.value,
            scope: SCOPED_IDENTITIES.has(identity!.kind) ? input.channelAccountId : null,
          };
        }),
      ),
    ],
    { prepareAs: 'create_contacts' },
  );
  const dropped = created.filter((row) => !row.joined).map((row) => row.contact.id as string);
  if (dropped.length) await tx.delete(contacts).where(inArray(contacts.id, dropped));
  const matched = new Map(unknown.map((sender) => [sender.n, sender.blacklist_matched]));
  const senders = new Map<number, NewSender>();
  for (const row of created.sort((a, b) => a.n - b.n)) {
    if (!row.joined) continue;
    const contact = rowFromJson(contacts, row.contact);
    const first = { matched: matched.get(row.n)!, identities: cardOf(contact) };
    const blacklisted = await blacklistedAfter(tx, contact.tenantId, keysOf.get(row.n)!, first);
    senders.set(row.n, { contact, blacklisted });
  }
  return senders;
}

function sessionOf(json: Record<string, unknown>) {
  return rowFromJson(sessions, json);
}

/** A session as `SENDERS` reads it: its id and what its composer allowed, not the rest of the row. */
function previousOf(json: Record<string, unknown>): ComposerInput & Pick<SessionRow, 'id'> {
  const { id, state, channel, queuedAt, lastCustomerMessageAt, windowClosedAt, lockedUntilReply } =
    sessionOf(json);
  return { id, state, channel, queuedAt, lastCustomerMessageAt, windowClosedAt, lockedUntilReply };
}
