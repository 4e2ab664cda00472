import type { FastifyBaseLogger } from 'fastify';
import type { SecretBox } from '../../lib/secret-box.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { receiveInbound } from '../../sessions/receive-inbound.js';
import { applyParkedStatus, applyStatus } from './apply-status.js';
import { downloadWhatsAppMedia } from './download-media.job.js';
import { phoneNumberIdsOf, readWebhook, type WebhookItem } from './read-webhook.js';
import { setTemplateStatus } from './whatsapp-templates.repo.js';
import { accountsByPhoneNumberIds, allWhatsAppAccounts, type ChannelAccountRow } from './whatsapp.repo.js';
import { openSignedWebhook } from '../meta/signed-webhook.js';

export interface WebhookDeps {
  engine: EngineDeps;
  secretBox: SecretBox;
  logger: FastifyBaseLogger;
}

export type WebhookOutcome =
  | { status: 401 | 400 }
  /** 500: something failed to store; Meta delivers the whole batch again, and what was stored is a duplicate. */
  | { status: 200 | 500; stored: number; ignored: number; failed: number };

/**
 * A WhatsApp webhook POST: the signature is checked on the raw bytes against the app secret of every number the
 * body names (or of every number, when it names none we know), then every item is processed on its own. Items
 * for numbers whose secret did not sign the body, or that we do not have, are ignored.
 */
export async function receiveWebhook(
  deps: WebhookDeps,
  input: { rawBody: Buffer; signature: string | undefined },
): Promise<WebhookOutcome> {
  const db = deps.engine.database.db;
  const opened = await openSignedWebhook(deps.secretBox, input, {
    db,
    channel: 'whatsapp',
    idsOf: phoneNumberIdsOf,
    named: (ids) => accountsByPhoneNumberIds(db, ids),
    all: () => allWhatsAppAccounts(db),
  });
  if ('status' in opened) return opened;
  const { body, signedBy } = opened;

  const { items, problems } = readWebhook(body);
  for (const problem of problems) deps.logger.warn({ problem }, 'WhatsApp webhook item skipped');
  // A disabled number's messages and statuses are acknowledged and dropped.
  const byNumber = new Map(signedBy.filter((a) => a.enabled).map((a) => [a.externalId, a]));
  let stored = 0;
  let ignored = 0;
  let failed = 0;
  for (const item of items) {
    if (item.kind === 'template_status') {
      // Templates belong to the WABA: every number of it that signed the body follows the new status.
      const accounts = signedBy.filter((a) => a.settings.wabaId === item.wabaId);
      const changed = await setTemplateStatus(
        db,
        accounts.map((a) => a.id),
        item,
      );
      if (changed) stored++;
      else ignored++;
      continue;
    }
    const account = byNumber.get(item.phoneNumberId);
    if (!account) {
      ignored++;
      deps.logger.info(
        { phoneNumberId: item.phoneNumberId },
        'WhatsApp webhook for a number we do not serve',
      );
      continue;
    }
    try {
      if (await processItem(deps, account, item)) stored++;
      else ignored++;
    } catch (error) {
      failed++;
      deps.logger.error({ err: error, phoneNumberId: item.phoneNumberId }, 'WhatsApp webhook item failed');
    }
  }
  return { status: failed ? 500 : 200, stored, ignored, failed };
}

async function processItem(
  deps: WebhookDeps,
  account: ChannelAccountRow,
  item: Exclude<WebhookItem, { kind: 'template_status' }>,
): Promise<boolean> {
  const { engine } = deps;
  if (item.kind === 'status') {
    const { kind: _kind, phoneNumberId: _number, ...status } = item;
    if (await applyStatus(engine, account.id, status)) return true;
    // Not known yet: the send's answer may not be committed. Parked, and applied when the wamid is known.
    await engine.jobs.send(
      applyParkedStatus,
      {
        channelAccountId: account.id,
        wamid: status.wamid,
        status: status.status,
        at: status.at.toISOString(),
        ...(status.error ? { error: status.error } : {}),
        // The message's id: a part other than the last is never the message's own wamid, and is found by it.
        ...(status.callbackData ? { callbackData: status.callbackData } : {}),
      },
      { startAfter: new Date(Date.now() + 1_000) },
    );
    return false;
  }
  const result = await receiveInbound(engine, {
    tenantId: account.tenantId,
    channel: 'whatsapp',
    channelAccountId: account.id,
    customer: item.customer,
    event: item.event,
  });
  if (result.outcome !== 'stored' && result.outcome !== 'duplicate') return result.outcome === 'updated';
  // Also on a duplicate: a delivery that died before its download was queued gets it now.
  const attachments = (result.message.metadata.attachments as Record<string, unknown>[] | undefined) ?? [];
  for (const [index, attachment] of attachments.entries()) {
    if (attachment.fileId || attachment.error || typeof attachment.remoteRef !== 'string') continue;
    await engine.jobs.send(
      downloadWhatsAppMedia,
      {
        tenantId: account.tenantId,
        channelAccountId: account.id,
        messageId: result.message.id,
        index,
        mediaId: attachment.remoteRef,
      },
      { singletonKey: `${result.message.id}:${index}` },
    );
  }
  return result.outcome === 'stored';
}
