/*
 * What each channel accepts, as data (from Meta's media tables; see meta-protocols.md). Pure, with no Node.js
 * imports: the channel adapters check before sending, the workspace before an operator uploads.
 */

/** How a channel sends a file: WhatsApp has one message type per kind; Messenger's attachment types match. */
export type FileKind = 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'file';

export interface ChannelFileKind {
  kind: FileKind;
  /** Accepted MIME types; `'*'` takes any type not taken by an earlier kind. */
  types: readonly string[] | '*';
  maxBytes: number;
  /** A different limit for animated files (WhatsApp's animated stickers). */
  animatedMaxBytes?: number;
}

export interface ChannelFileLimits {
  /** The first kind whose types match a file decides how it is sent and its limit. */
  kinds: readonly ChannelFileKind[];
}

const MB = 1024 * 1024;

/** Per channel. Web chat has no limit of its own beyond MAX_UPLOAD_BYTES. */
export const CHANNEL_FILE_LIMITS = {
  whatsapp: {
    kinds: [
      { kind: 'image', types: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
      { kind: 'video', types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
      {
        kind: 'audio',
        types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
        maxBytes: 16 * MB,
      },
      { kind: 'sticker', types: ['image/webp'], maxBytes: 100 * 1024, animatedMaxBytes: 500 * 1024 },
      {
        kind: 'document',
        types: [
          'text/plain',
          'application/pdf',
          'application/msword',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'application/vnd.ms-excel',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'application/vnd.ms-powerpoint',
          'application/vnd.openxmlformats-officedocument.presentationml.presentation',
        ],
        maxBytes: 100 * MB,
      },
    ],
  },
  messenger: {
    kinds: [
      { kind: 'image', types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 25 * MB },
      {
        kind: 'video',
        types: ['video/mp4', 'video/quicktime', 'video/webm', 'video/3gpp'],
        maxBytes: 25 * MB,
      },
      {
        kind: 'audio',
        types: [
          'audio/aac',
          'audio/mpeg',
          'audio/mp4',
          'audio/ogg',
          'audio/wav',
          'audio/x-wav',
          'audio/webm',
        ],
        maxBytes: 25 * MB,
      },
      { kind: 'file', types: '*', maxBytes: 25 * MB },
    ],
  },
} as const satisfies Record<string, ChannelFileLimits>;

export type LimitedChannel = keyof typeof CHANNEL_FILE_LIMITS;

export type ChannelLimitReason = 'channel_type_unsupported' | 'channel_file_too_large';

export type ChannelLimitCheck =
  | { ok: true; kind: FileKind }
  | { ok: false; reason: ChannelLimitReason; message: string; limitBytes?: number };

const CHANNEL_NAMES: Record<string, string> = { whatsapp: 'WhatsApp', messenger: 'Messenger' };

/** Whether a channel takes this file, and as what kind of message. Channels without limits take anything. */
export function checkChannelLimits(
  channel: string,
  file: { contentType: string | null; size: number; animated?: boolean },
): ChannelLimitCheck {
  const limits = (CHANNEL_FILE_LIMITS as Record<string, ChannelFileLimits>)[channel];
  if (!limits) return { ok: true, kind: 'file' };
  return checkChannelLimitsWith(limits, file, CHANNEL_NAMES[channel] ?? channel);
}

/** The same check against a channel's limits given as data. */
export function checkChannelLimitsWith(
  limits: ChannelFileLimits,
  file: { contentType: string | null; size: number; animated?: boolean },
  channelName = 'This channel',
): ChannelLimitCheck {
  const type = (file.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const kind = limits.kinds.find((k) => k.types === '*' || k.types.includes(type));
  if (!kind) {
    return {
      ok: false,
      reason: 'channel_type_unsupported',
      message: `${channelName} does not accept files of type ${type || 'unknown'}`,
    };
  }
  const maxBytes = file.animated && kind.animatedMaxBytes ? kind.animatedMaxBytes : kind.maxBytes;
  if (file.size > maxBytes) {
    const mb = maxBytes >= MB ? `${maxBytes / MB} MB` : `${maxBytes / 1024} KB`;
    return {
      ok: false,
      reason: 'channel_file_too_large',
      message: `${channelName} accepts ${file.animated ? 'animated ' : ''}${kind.kind} files up to ${mb}`,
      limitBytes: maxBytes,
    };
  }
  return { ok: true, kind: kind.kind };
}
