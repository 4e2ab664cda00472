import DataLoader from 'dataloader';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryText, type Executor } from '../../db/database.js';
import { rowFromJson } from '../../db/row-from-json.js';
import { holdUntilSql, msUntil } from './send-backoff.js';
import { channelAccounts, contactIdentities, messages, sessions } from '../../db/schema.js';

export type ChannelAccountRow = typeof channelAccounts.$inferSelect;

/**
 * WhatsApp numbers by phone_number_id (how webhooks name them), disabled ones too: their webhooks are still
 * signed with their app secret, and are acknowledged (and dropped) rather than refused into Meta's retries.
 */
export async function accountsByPhoneNumberIds(db: Executor, phoneNumberIds: string[]) {
  if (phoneNumberIds.length === 0) return [];
  return db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'whatsapp'), inArray(channelAccounts.externalId, phoneNumberIds)));
}

/** Every enabled WhatsApp number: the candidates for a body that names none we know. */
export async function allWhatsAppAccounts(db: Executor) {
  return db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'whatsapp'), eq(channelAccounts.enabled, true)));
}

export async function findWhatsAppAccount(db: Executor, channelAccountId: string) {
  const [row] = await db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.id, channelAccountId), eq(channelAccounts.channel, 'whatsapp')));
  return row;
}

/** The contact's WhatsApp identities: wa_id (sent as `to`) and BSUID (sent as `recipient` when there is no wa_id). */
export async function whatsappIdentitiesOf(db: Executor, tenantId: string, contactId: string) {
  const rows = await db
    .select({ kind: contactIdentities.kind, value: contactIdentities.value })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.tenantId, tenantId),
        eq(contactIdentities.contactId, contactId),
        inArray(contactIdentities.kind, ['wa_id', 'bsuid']),
      ),
    );
  return {
    waId: rows.find((r) => r.kind === 'wa_id')?.value,
    bsuid: rows.find((r) => r.kind === 'bsuid')?.value,
  };
}

/**
 * Everything a send reads, for many sends in one statement: the number (a WhatsApp account), the contact's wa_id and
 * BSUID (sent as `to`, or as `recipient` when there is no wa_id), the hold on sends to that recipient, and the
 * message's text, metadata (files, template) and quoted message's wamid. One row per given send. Every table is
 * reached by key from the given rows, each step a lateral subquery with a LIMIT, so the generic plan cannot join a
 * whole table by hash; the contact's identities through the contact's primary key.
 */
const SEND_CONTEXTS = `
  SELECT g.n, to_jsonb(a) AS account, ids.wa_id, ids.bsuid,
    ${holdUntilSql('a.id', 'coalesce(ids.wa_id, ids.bsuid)')} AS hold_until,
    m.text, m.metadata, q.channel_message_id AS quoted_wamid
  FROM jsonb_to_recordset($1::jsonb) AS g(n int, account_id uuid, tenant_id uuid, contact_id uuid, message_id uuid)
  LEFT JOIN LATERAL (
    SELECT * FROM channel_accounts a WHERE a.id = g.account_id AND a.channel = 'whatsapp' LIMIT 1) AS a ON true
  LEFT JOIN LATERAL (
    SELECT max(i.value) FILTER (WHERE i.kind = 'wa_id') AS wa_id, max(i.value) FILTER (WHERE i.kind = 'bsuid') AS bsuid
    FROM contacts c JOIN contact_identities i ON i.contact_id = c.id
    WHERE c.id = g.contact_id AND c.tenant_id = g.tenant_id AND i.kind IN ('wa_id', 'bsuid')) AS ids ON true
  LEFT JOIN LATERAL (
    SELECT m.text, m.metadata, m.quoted_message_id FROM messages m WHERE m.id = g.message_id LIMIT 1) AS m ON true
  LEFT JOIN LATERAL (
    SELECT q.channel_message_id FROM messages q WHERE q.id = m.quoted_message_id LIMIT 1) AS q ON true`;

interface SendContextRow {
  n: number;
  account: Record<string, unknown> | null;
  wa_id: string | null;
  bsuid: string | null;
  hold_until: Date | string | null;
  text: string | null;
  metadata: Record<string, unknown> | null;
  quoted_wamid: string | null;
}

type SendOf = { channelAccountId: string; tenantId: string; contactId: string; messageId: string };

/**
 * Sends started side by side on one executor (the outbox sends a batch's messages at once) read their contexts in
 * one statement: a loader per executor gathers what one turn of the event loop asks for.
 */
const loaders = new WeakMap<Executor, DataLoader<SendOf, SendContextRow | undefined>>();

function loaderOf(db: Executor) {
  let loader = loaders.get(db);
  if (!loader) {
    loader = new DataLoader(
      async (sends: readonly SendOf[]) => {
        const rows = await queryText<SendContextRow>(
          db,
          SEND_CONTEXTS,
          [
            JSON.stringify(
              sends.map((send, n) => ({
                n,
                account_id: send.channelAccountId,
                tenant_id: send.tenantId,
                contact_id: send.contactId,
                message_id: send.messageId,
              })),
            ),
          ],
          { prepareAs: 'whatsapp_send_contexts' },
        );
        const byN = new Map(rows.map((row) => [row.n, row]));
        return sends.map((_, n) => byN.get(n));
      },
      // Read afresh for every send: a hold or a retry's metadata may have changed since.
      { cache: false },
    );
    loaders.set(db, loader);
  }
  return loader;
}

export async function sendContextOf(db: Executor, of: SendOf) {
  const row = await loaderOf(db).load(of);
  return {
    account: row?.account ? rowFromJson(channelAccounts, row.account) : undefined,
    waId: row?.wa_id ?? undefined,
    bsuid: row?.bsuid ?? undefined,
    /** How long sends to the recipient must still wait (0: go). */
    waitMs: msUntil(row?.hold_until ?? null),
    stored: {
      text: row?.text ?? null,
      metadata: row?.metadata ?? {},
      quotedWamid: row?.quoted_wamid ?? undefined,
    },
  };
}

export async function findMessageByWamid(db: Executor, channelAccountId: string, wamid: string) {
  const [row] = await db
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(and(eq(messages.channelAccountId, channelAccountId), eq(messages.channelMessageId, wamid)));
  return row;
}

/** Changes one attachment in a message's metadata (a download that completed or failed). */
export async function updateAttachment(
  tx: Executor,
  messageId: string,
  index: number,
  patch: Record<string, unknown>,
) {
  const [current] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update');
  if (!current) return undefined;
  const attachments = [...((current.metadata.attachments as Record<string, unknown>[] | undefined) ?? [])];
  if (!attachments[index]) return undefined;
  attachments[index] = { ...attachments[index], ...patch };
  const [row] = await tx
    .update(messages)
    .set({ metadata: { ...current.metadata, attachments } })
    .where(eq(messages.id, messageId))
    .returning();
  return row;
}

/** The WhatsApp template an outbound message carries (see send-whatsapp-template.ts), if any. */
export function templateIn(metadata: Record<string, unknown>) {
  const template = metadata.template as
    { name?: unknown; language?: unknown; components?: unknown } | undefined;
  if (typeof template?.name !== 'string' || typeof template.language !== 'string') return undefined;
  return { name: template.name, language: template.language, parameters: template.components ?? [] };
}

/** What a reaction we send carries as `biz_opaque_callback_data` (a message carries its id). */
export const REACTION_CALLBACK = 'reaction';

/** The job that holds a status whose message is not known yet (apply-status.ts). */
export const PARKED_STATUS_JOB = 'whatsapp-apply-parked-status';

/**
 * A wamid was just recorded (a part of a message sent in parts): statuses parked for it are due now rather than at
 * their next backoff, which grows to minutes. A parked status whose job is running may have looked before the wamid
 * was committed: its retry is made immediate, so its failure brings it straight back.
 */
export async function wakeParkedStatuses(
  db: Executor,
  channelAccountId: string,
  wamid: string,
): Promise<void> {
  await db.execute(sql`
    UPDATE pgboss.job
    SET start_after = CASE WHEN state = 'active' THEN start_after ELSE least(start_after, now()) END,
      retry_delay = 0, retry_backoff = false
    WHERE name = ${PARKED_STATUS_JOB} AND state IN ('created', 'retry', 'active')
      AND data->>'wamid' = ${wamid} AND data->>'channelAccountId' = ${channelAccountId}`);
}
