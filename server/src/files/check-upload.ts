/*
 * Pure rules about which files are accepted, with no Node.js imports: the operator workspace and the web chat
 * widget run the same checks before an upload starts, and the server runs them again on the real bytes.
 */
import { checkChannelLimitsWith, type ChannelFileLimits, type ChannelLimitReason } from './channel-limits.js';

/** A tenant's blocked file types: by MIME type (`application/x-msdownload`, or a family: `video/*`) and extension. */
export interface BlockedFileTypes {
  mimeTypes: string[];
  extensions: string[];
}

/** What a tenant blocks until its administrator says otherwise: programs that Windows runs on a double click. */
export const DEFAULT_BLOCKED_FILE_TYPES: BlockedFileTypes = {
  mimeTypes: ['application/x-msdownload', 'application/x-msi'],
  extensions: ['bat', 'cmd', 'com', 'cpl', 'dll', 'exe', 'hta', 'msi', 'pif', 'ps1', 'scr', 'vbs'],
};

export type UploadRefusal = 'file_type_blocked' | 'file_too_large' | 'file_empty' | ChannelLimitReason;

export type UploadCheck =
  { ok: true } | { ok: false; reason: UploadRefusal; message: string; limitBytes?: number };

/** The extension of a file name, lower case without the dot; `''` when it has none. */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The MIME type without parameters, lower case. */
export function baseMimeType(type: string | null | undefined): string {
  return (type ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a MIME type or an extension is on the blocked list. */
export function isBlocked(
  blocked: BlockedFileTypes,
  file: { mimeTypes: Array<string | null | undefined>; extensions: Array<string | null | undefined> },
): boolean {
  const types = file.mimeTypes.map(baseMimeType).filter(Boolean);
  const extensions = file.extensions.map((e) => (e ?? '').toLowerCase()).filter(Boolean);
  return (
    blocked.mimeTypes.some((pattern) => {
      const p = pattern.toLowerCase();
      return p.endsWith('/*') ? types.some((t) => t.startsWith(p.slice(0, -1))) : types.includes(p);
    }) || blocked.extensions.some((e) => extensions.includes(e.toLowerCase()))
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/**
 * Whether a file may be uploaded, judged by what is known before its bytes are read: its name, size and the
 * type the browser or channel declared. The reason code is stable; the message is for people.
 */
export function checkUpload(
  file: { name: string; size: number; declaredType?: string | null | undefined },
  rules: { blocked: BlockedFileTypes; maxBytes: number; channelLimits?: ChannelFileLimits | undefined },
): UploadCheck {
  const type = baseMimeType(file.declaredType);
  if (isBlocked(rules.blocked, { mimeTypes: [type], extensions: [extensionOf(file.name)] })) {
    return {
      ok: false,
      reason: 'file_type_blocked',
      message: `Files of this type are blocked: ${file.name}${type ? ` (${type})` : ''}`,
    };
  }
  if (file.size === 0) return { ok: false, reason: 'file_empty', message: `The file ${file.name} is empty` };
  if (file.size > rules.maxBytes) {
    return {
      ok: false,
      reason: 'file_too_large',
      message: `The file ${file.name} is larger than ${formatBytes(rules.maxBytes)}`,
      limitBytes: rules.maxBytes,
    };
  }
  if (rules.channelLimits) {
    const channel = checkChannelLimitsWith(rules.channelLimits, { contentType: type, size: file.size });
    if (!channel.ok) return channel;
  }
  return { ok: true };
}
