import {
  ChannelError,
  type ChannelAdapter,
  type ComposerState,
  type WindowInput,
} from '../channel-adapter.js';
import { openCredentials } from '../channel-accounts.repo.js';
import { callGraph, GraphError } from './call-graph.js';
import { mapSendError } from './map-send-error.js';
import { markReadAtMeta } from './mark-read.job.js';
import { holdSends } from './send-backoff.js';
import { whatsappRuntime } from './whatsapp-runtime.js';
import { sendParts } from './send-parts.js';
import {
  findWhatsAppAccount,
  REACTION_CALLBACK,
  sendContextOf,
  templateIn,
  whatsappIdentitiesOf,
} from './whatsapp.repo.js';

export const WHATSAPP_MAX_TEXT = 4096;
/** Meta's customer-service window: free-form messages up to 24 hours after the customer's last message. */
export const WINDOW_MS = 24 * 3600_000;

/**
 * Free text within 24 hours of the customer's last message (Meta's timestamp), templates only after, or as soon
 * as Meta refused free text (131047). After a template that opened the conversation, nothing until the customer
 * answers (seed 001: the operator waits for the reply).
 */
export function whatsappComposerState(input: WindowInput): ComposerState {
  if (input.lockedUntilReply)
    return {
      freeText: false,
      freeTextUntil: null,
      otherwise: 'nothing',
      lockedUntilReply: true,
      reason: 'Waiting for the customer’s reply: the composer opens when they answer the template.',
    };
  if (input.windowClosedAt)
    return {
      freeText: false,
      freeTextUntil: input.windowClosedAt,
      otherwise: 'templates',
      reason:
        'WhatsApp refused free text (131047): the 24-hour window has closed. Send an approved WhatsApp template.',
    };
  if (!input.lastCustomerMessageAt)
    return {
      freeText: false,
      freeTextUntil: null,
      otherwise: 'templates',
      reason: 'The customer has not written yet: only approved WhatsApp templates can be sent.',
    };
  const until = new Date(input.lastCustomerMessageAt.getTime() + WINDOW_MS);
  if (input.now < until) return { freeText: true, freeTextUntil: until, otherwise: 'templates' };
  return {
    freeText: false,
    freeTextUntil: until,
    otherwise: 'templates',
    reason:
      'More than 24 hours have passed since the customer’s last message: only approved WhatsApp templates can be sent.',
  };
}

/**
 * WhatsApp Cloud API. Not inline: the outbox calls `send` outside any transaction and retries what is
 * retryable. The wamid Meta returns becomes the message's channel id; our message id travels as
 * `biz_opaque_callback_data`, so a status that beats the send's answer still finds its message.
 */
export const whatsappAdapter: ChannelAdapter = {
  channel: 'whatsapp',
  inline: false,
  limits: { maxTextLength: WHATSAPP_MAX_TEXT, maxAttachmentsPerMessage: 10 },
  composerState: whatsappComposerState,
  // Within 24 hours of the customer's last message a resumed session opens with free text; after, with a template
  // (the composer then offers templates only, and locks until the customer answers it).
  resumePolicy(input) {
    const last = input.lastCustomerMessageAt;
    const open = last !== null && input.now.getTime() < last.getTime() + WINDOW_MS;
    return { allowed: true, opensWith: open ? 'free_text' : 'template' };
  },
  async send(context, message) {
    const runtime = whatsappRuntime();
    const { account, waId, bsuid, waitMs, stored } = await sendContextOf(context.tx, {
      channelAccountId: context.channelAccountId,
      tenantId: context.tenantId,
      contactId: context.contactId,
      messageId: message.messageId,
    });
    if (!account) throw new ChannelError('no_account', 'The WhatsApp number is no longer connected', false);
    const { accessToken } = openCredentials(runtime.secretBox, account);
    const recipient = waId ?? bsuid;
    if (!recipient || !accessToken)
      throw new ChannelError('no_recipient', 'The contact has no WhatsApp number or user id', false);

    const body: Record<string, unknown> = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...(waId ? { to: `+${waId}` } : { recipient: bsuid }),
      biz_opaque_callback_data: message.messageId,
    };
    if (waitMs > 0) throw new ChannelError('held', 'Waiting for WhatsApp’s rate limit to pass', true, waitMs);
    const post = async (payload: Record<string, unknown>) => {
      try {
        const answer = await callGraph<{ messages?: Array<{ id?: string }> }>(
          runtime.graph,
          accessToken,
          'POST',
          `${account.externalId}/messages`,
          payload,
        );
        const wamid = answer.messages?.[0]?.id;
        if (!wamid)
          throw new ChannelError('no_wamid', 'WhatsApp accepted the message without an id', true, 2_000);
        return wamid;
      } catch (error) {
        if (!(error instanceof GraphError)) throw error;
        const mapped = mapSendError(error);
        if (mapped.code === '130429' || mapped.code === '131056')
          await holdSends(context.tx, {
            tenantId: context.tenantId,
            channelAccountId: account.id,
            // 130429 is the number's throughput: everyone waits; 131056 is this customer's pair rate only.
            ...(mapped.code === '131056' ? { recipient } : {}),
            ms: mapped.retryAfterMs ?? (mapped.code === '130429' ? 4_000 : 6_000),
            reason: mapped.code,
          });
        throw mapped;
      }
    };

    const template = message.template ?? templateIn(stored.metadata);
    if (template) {
      return {
        channelMessageId: await post({
          ...body,
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language, policy: 'deterministic' },
            ...(Array.isArray(template.parameters) && template.parameters.length
              ? { components: template.parameters }
              : {}),
          },
        }),
      };
    }
    const text = message.text ?? stored.text ?? undefined;
    if (text && [...text].length > WHATSAPP_MAX_TEXT)
      throw new ChannelError('text_too_long', `WhatsApp allows ${WHATSAPP_MAX_TEXT} characters`, false);
    const quoted = message.quotedChannelMessageId ?? stored.quotedWamid;
    const channelMessageId = await sendParts(context.tx, runtime, {
      tenantId: context.tenantId,
      channelAccountId: context.channelAccountId,
      messageId: message.messageId,
      accessToken,
      phoneNumberId: account.externalId,
      base: body,
      text: text || undefined,
      quotedWamid: quoted,
      metadata: stored.metadata,
      post,
    });
    return { channelMessageId };
  },
  async react(context, target, emoji) {
    // An empty emoji takes the reaction back; a reaction cannot quote (Meta's rule), so it goes alone.
    const runtime = whatsappRuntime();
    const account = await findWhatsAppAccount(context.tx, context.channelAccountId);
    if (!account) throw new ChannelError('no_account', 'The WhatsApp number is no longer connected', false);
    const { accessToken } = openCredentials(runtime.secretBox, account);
    const { waId, bsuid } = await whatsappIdentitiesOf(context.tx, context.tenantId, context.contactId);
    if ((!waId && !bsuid) || !accessToken)
      throw new ChannelError('no_recipient', 'The contact has no WhatsApp number or user id', false);
    try {
      await callGraph(runtime.graph, accessToken, 'POST', `${account.externalId}/messages`, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        ...(waId ? { to: `+${waId}` } : { recipient: bsuid }),
        type: 'reaction',
        reaction: { message_id: target.channelMessageId, emoji: emoji ?? '' },
        // Its statuses come back marked, and are not taken for a message we do not know yet.
        biz_opaque_callback_data: REACTION_CALLBACK,
      });
    } catch (error) {
      throw error instanceof GraphError ? mapSendError(error) : error;
    }
  },
  async markRead(context, read) {
    // Marking the latest message read marks the earlier ones too; the call goes out after this commit, as a job.
    const latest = read.filter((m) => m.channelMessageId).at(-1);
    if (!latest?.channelMessageId) return;
    await whatsappRuntime().jobs.send(
      markReadAtMeta,
      { channelAccountId: context.channelAccountId, wamid: latest.channelMessageId },
      { tx: context.tx },
    );
  },
};
