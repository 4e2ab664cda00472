import { eq, sql } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import type { Executor } from '../../db/database.js';
import { messages } from '../../db/schema.js';
import { checkChannelLimits } from '../../files/channel-limits.js';
import { findFile } from '../../files/files.repo.js';
import { ChannelError } from '../channel-adapter.js';
import { GraphError, uploadGraphMedia } from './call-graph.js';
import { mapSendError } from './map-send-error.js';
import { wakeParkedStatuses } from './whatsapp.repo.js';
import type { WhatsAppRuntime } from './whatsapp-runtime.js';

/*
 * A message with files, on WhatsApp. Meta takes one file per message, so one of our messages (text and files, as
 * the operator sent it) becomes several WhatsApp messages, in order: the text first unless it can ride as the
 * first file's caption (image, video, document), then one message per file, each uploaded to Graph and sent by
 * its media id. Our message row stays one row: each part's wamid and delivery status are kept in the row's
 * metadata (`attachments[i].wamid`, `textWamid`, `partStatuses`), the row's own channel id is the last part's,
 * and its status is the least advanced of its parts (a failed part fails the message). Each part is recorded as
 * soon as Meta accepts it, so a retry (the outbox's or the operator's) sends only the parts not accepted yet or
 * reported failed.
 */

export interface SendPart {
  /** `text`, or the attachment's index. */
  key: 'text' | number;
  body: Record<string, unknown>;
}

interface StoredAttachment {
  fileId?: string;
  name?: string;
  contentType?: string;
  size?: number;
  wamid?: string;
  mediaId?: string;
}

const CAPTIONED = new Set(['image', 'video', 'document']);

/** Reads the file and uploads it to the number's media (`POST /{phone-number-id}/media`); answers the media id. */
async function uploadAttachment(
  db: Executor,
  runtime: WhatsAppRuntime,
  input: { tenantId: string; accessToken: string; phoneNumberId: string; attachment: StoredAttachment },
): Promise<string> {
  const file = input.attachment.fileId
    ? await findFile(db, input.tenantId, input.attachment.fileId)
    : undefined;
  if (!file?.storageKey || file.status !== 'stored')
    throw new ChannelError(
      'file_missing',
      `The file ${input.attachment.name ?? ''} is no longer stored`,
      false,
    );
  if (!runtime.fileStore)
    throw new ChannelError('no_file_store', 'Files cannot be read by this process', true, 5_000);
  const chunks: Buffer[] = [];
  for await (const chunk of (await runtime.fileStore.get(file.storageKey)) as Readable)
    chunks.push(chunk as Buffer);
  return uploadGraphMedia(runtime.graph, input.accessToken, input.phoneNumberId, {
    bytes: Buffer.concat(chunks),
    contentType: file.contentType ?? 'application/octet-stream',
    filename: file.name,
  });
}

/**
 * Sends a message's parts that Meta has not accepted yet, each with `base` (recipient, callback data), and
 * records each wamid as it comes. Answers the last part's wamid.
 */
export async function sendParts(
  db: Executor,
  runtime: WhatsAppRuntime,
  input: {
    tenantId: string;
    channelAccountId: string;
    messageId: string;
    accessToken: string;
    phoneNumberId: string;
    base: Record<string, unknown>;
    text: string | undefined;
    quotedWamid: string | undefined;
    metadata: Record<string, unknown>;
    post: (body: Record<string, unknown>) => Promise<string>;
  },
): Promise<string> {
  const attachments = (input.metadata.attachments as StoredAttachment[] | undefined) ?? [];
  const kinds = attachments.map((a) => {
    const check = checkChannelLimits('whatsapp', { contentType: a.contentType ?? null, size: a.size ?? 0 });
    if (!check.ok) throw new ChannelError(check.reason, `${a.name ?? 'A file'}: ${check.message}`, false);
    return check.kind;
  });
  const quote = input.quotedWamid ? { context: { message_id: input.quotedWamid } } : {};
  if (attachments.length === 0) {
    if (!input.text) throw new ChannelError('unsupported', 'The message has nothing to send', false);
    return input.post({
      ...input.base,
      ...quote,
      type: 'text',
      text: { body: input.text, preview_url: /https?:\/\//.test(input.text) },
    });
  }
  const caption = input.text && CAPTIONED.has(kinds[0]!) ? input.text : undefined;
  const partStatuses = (input.metadata.partStatuses as Record<string, string> | undefined) ?? {};
  // A part is sent again when it was never accepted, or Meta reported it failed.
  const pending = (wamid: string | undefined) => !wamid || partStatuses[wamid] === 'failed';
  let textWamid = input.metadata.textWamid as string | undefined;
  let last: string | undefined;
  // A quote is shown on the first WhatsApp message of the group.
  let context: Record<string, unknown> = quote;

  if (input.text && !caption) {
    if (pending(textWamid)) {
      textWamid = await input.post({
        ...input.base,
        ...context,
        type: 'text',
        text: { body: input.text, preview_url: /https?:\/\//.test(input.text) },
      });
      await recordPart(db, input, { textWamid });
    }
    last = textWamid;
    context = {};
  }
  for (const [index, attachment] of attachments.entries()) {
    let wamid = attachment.wamid;
    if (pending(wamid)) {
      const kind = kinds[index]!;
      const mediaId =
        attachment.mediaId ??
        (await uploadAttachment(db, runtime, { ...input, attachment }).catch((error: unknown) => {
          throw error instanceof GraphError ? mapSendError(error) : error;
        }));
      const media: Record<string, unknown> = { id: mediaId };
      if (index === 0 && caption) media.caption = caption;
      if (kind === 'document' && attachment.name) media.filename = attachment.name;
      wamid = await input.post({ ...input.base, ...context, type: kind, [kind]: media });
      await recordPart(db, input, { index, wamid, mediaId });
    }
    last = wamid;
    context = {};
  }
  if (!last) throw new ChannelError('unsupported', 'The message has nothing to send', false);
  return last;
}

/**
 * Records one accepted part on the message, at once: a later retry must not send it twice. A status of the part
 * that came first and was parked is applied now.
 */
async function recordPart(
  db: Executor,
  message: { messageId: string; channelAccountId: string },
  part: { textWamid: string } | { index: number; wamid: string; mediaId: string },
) {
  const patch =
    'textWamid' in part
      ? sql`jsonb_build_object('textWamid', ${part.textWamid}::text)`
      : sql`jsonb_build_object('attachments', jsonb_set(${messages.metadata}->'attachments', ${`{${part.index}}`}::text[],
          (${messages.metadata}->'attachments'->(${part.index}::int)) || jsonb_build_object('wamid', ${part.wamid}::text, 'mediaId', ${part.mediaId}::text)))`;
  await db
    .update(messages)
    .set({ metadata: sql`${messages.metadata} || ${patch}` })
    .where(eq(messages.id, message.messageId));
  await wakeParkedStatuses(db, message.channelAccountId, 'textWamid' in part ? part.textWamid : part.wamid);
}

/** The wamids of a message's parts, when it was sent as several WhatsApp messages. */
export function partWamidsOf(metadata: Record<string, unknown>): string[] {
  const attachments = (metadata.attachments as StoredAttachment[] | undefined) ?? [];
  return [
    ...(typeof metadata.textWamid === 'string' ? [metadata.textWamid] : []),
    ...attachments.map((a) => a.wamid).filter((w): w is string => typeof w === 'string'),
  ];
}
