import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { contacts } from '../../db/schema.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { InboundEvent } from '../channel-adapter.js';
import type { JobDeps } from '../../jobs/all-jobs.js';
import { receiveInbound } from '../../sessions/receive-inbound.js';
import type { MessageRow } from '../../sessions/sessions.repo.js';
import { applyEcho } from './apply-echo.js';
import { downloadMessengerAttachment } from './download-attachment.job.js';
import { fetchMessengerProfile } from './fetch-profile.job.js';
import { applyMessengerWatermark } from './apply-watermark.js';
import {
  accountsByPageIds,
  allPageAccounts,
  findMessageByMid,
  findMessageByPartMid,
  partsOfMessage,
  type PageAccountRow,
} from './messenger.repo.js';
import { pageIdsOf, readMessengerWebhook, type MessengerItem } from './read-messenger-webhook.js';
import { openSignedWebhook } from '../meta/signed-webhook.js';

export interface MessengerWebhookDeps {
  engine: JobDeps;
  secretBox: SecretBox;
  logger: FastifyBaseLogger;
}

export type MessengerWebhookOutcome =
  | { status: 401 | 400 }
  /** 500: something failed to store; Meta delivers the whole batch again, and what was stored is a duplicate. */
  | { status: 200 | 500; stored: number; ignored: number; failed: number };

/**
 * A Messenger webhook POST: the signature is checked on the raw bytes against the app secret of every Page the
 * body names (or of every Page, when it names none we know); then every entry and every event is processed on
 * its own, so one bad event never costs the rest. Events for Pages whose secret did not sign the body are ignored.
 */
export async function receiveMessengerWebhook(
  deps: MessengerWebhookDeps,
  input: { rawBody: Buffer; signature: string | undefined },
): Promise<MessengerWebhookOutcome> {
  const db = deps.engine.database.db;
  const opened = await openSignedWebhook(deps.secretBox, input, {
    db,
    channel: 'messenger',
    idsOf: pageIdsOf,
    named: (ids) => accountsByPageIds(db, ids),
    all: () => allPageAccounts(db),
  });
  if ('status' in opened) return opened;
  const { body, signedBy } = opened;

  const { items, problems, ignored: skipped } = readMessengerWebhook(body);
  for (const problem of problems) deps.logger.warn({ problem }, 'Messenger webhook event skipped');
  // A disabled Page's events are acknowledged and dropped.
  const byPage = new Map(signedBy.filter((a) => a.enabled).map((a) => [a.externalId, a]));
  let stored = 0;
  let ignored = skipped;
  let failed = 0;
  for (const item of items) {
    const account = byPage.get(item.pageId);
    if (!account) {
      ignored++;
      deps.logger.info({ pageId: item.pageId }, 'Messenger webhook for a Page we do not serve');
      continue;
    }
    try {
      if (await processItem(deps, account, item)) stored++;
      else ignored++;
    } catch (error) {
      failed++;
      deps.logger.error({ err: error, pageId: item.pageId }, 'Messenger webhook event failed');
    }
  }
  return { status: failed ? 500 : 200, stored, ignored, failed };
}

async function processItem(deps: MessengerWebhookDeps, account: PageAccountRow, item: MessengerItem) {
  const { engine } = deps;
  if (item.kind === 'echo') {
    const result = await applyEcho(engine, account, item);
    if (result.outcome === 'stored') await queueDownloads(engine, account, result.message);
    return result.outcome === 'stored';
  }
  if (item.event.kind === 'watermark') {
    const { status, upTo } = item.event;
    return (await applyMessengerWatermark(engine, account, { psid: item.psid, status, upTo })) === 'updated';
  }
  const result = await receiveInbound(engine, {
    tenantId: account.tenantId,
    channel: 'messenger',
    channelAccountId: account.id,
    customer: { identities: [{ kind: 'psid', value: item.psid }] },
    event: await withPartsResolved(engine, account, item.psid, item.event),
  });
  if (result.outcome !== 'stored' && result.outcome !== 'duplicate') return result.outcome === 'updated';
  // Also on a duplicate: a delivery that died before its downloads were queued gets them now.
  await queueDownloads(engine, account, result.message);
  if (result.outcome === 'stored' && result.newSession) {
    const [contact] = await engine.database.db
      .select({ name: contacts.name, avatarUrl: contacts.avatarUrl })
      .from(contacts)
      .where(eq(contacts.id, result.session.contactId));
    if (!contact || contact.name === null || contact.avatarUrl === null) {
      await engine.jobs.send(
        fetchMessengerProfile,
        {
          tenantId: account.tenantId,
          channelAccountId: account.id,
          contactId: result.session.contactId,
          sessionId: result.session.id,
          psid: item.psid,
        },
        { singletonKey: `messenger-profile:${result.session.contactId}` },
      );
    }
  }
  return result.outcome === 'stored';
}

/**
 * A reply or a reaction to a later part of one of our messages (a file sent after the text) names that part's
 * mid; the message is known by its first part's, so the event is pointed at that.
 */
async function withPartsResolved(
  engine: JobDeps,
  account: PageAccountRow,
  psid: string,
  event: InboundEvent,
): Promise<InboundEvent> {
  const mid =
    event.kind === 'message'
      ? event.quotedChannelMessageId
      : event.kind === 'reaction'
        ? event.channelMessageId
        : undefined;
  if (!mid) return event;
  const db = engine.database.db;
  if (await findMessageByMid(db, account.id, mid)) return event;
  const owner = await findMessageByPartMid(db, account.id, psid, mid);
  const first = owner?.channelMessageId ?? partsOfMessage(owner?.metadata ?? {}).mids['0'];
  if (!first) return event;
  if (event.kind === 'message') return { ...event, quotedChannelMessageId: first };
  if (event.kind === 'reaction') return { ...event, channelMessageId: first };
  return event;
}

/** One download job per attachment not yet stored: Meta's CDN URLs expire, so they are fetched at once. */
async function queueDownloads(engine: JobDeps, account: PageAccountRow, message: MessageRow) {
  const attachments = (message.metadata.attachments as Record<string, unknown>[] | undefined) ?? [];
  for (const [index, attachment] of attachments.entries()) {
    if (attachment.fileId || attachment.error || typeof attachment.remoteRef !== 'string') continue;
    await engine.jobs.send(
      downloadMessengerAttachment,
      { tenantId: account.tenantId, messageId: message.id, index, url: attachment.remoteRef },
      { singletonKey: `${message.id}:${index}` },
    );
  }
}
