export type {
  MessageSummary as Message,
  OfferSummary as Offer,
  SessionSummary as Session,
  Presence,
} from '@switchboard/server/events';

export interface Composer {
  freeText: boolean;
  freeTextUntil: string | null;
  otherwise: 'templates' | 'nothing';
  reason?: string;
  lockedUntilReply?: boolean;
  maxTextLength: number;
}

export interface Me {
  id: string;
  tenantId: string;
  name: string;
  role: 'operator' | 'supervisor' | 'admin';
  groupIds: string[] | 'all';
  csrfToken?: string;
}

export interface OperatorRow {
  id: string;
  name: string;
  role: string;
  presence: string;
  awayReason: string | null;
}

/** A stored file as the API shows it (`GET /files/:id`, Session Files, uploads). */
export interface FileInfo {
  id: string;
  sessionId: string | null;
  messageId: string | null;
  name: string;
  size: number | null;
  contentType: string | null;
  declaredType: string | null;
  status: 'pending' | 'stored' | 'blocked' | 'error';
  error: string | null;
  createdBy: 'customer' | 'operator' | 'system';
  createdAt: string;
  preview: {
    thumbnail: { width: number; height: number } | null;
    thumbnailError: string | null;
    text: string | null;
    textTruncated: boolean;
  };
  contentUrl: string | null;
  thumbnailUrl: string | null;
}

/** A file on a message (`metadata.attachments`): its file id once fetched and stored, or why not. */
export interface Attachment {
  fileId?: string;
  name?: string;
  declaredType?: string;
  contentType?: string;
  size?: number | null;
  status?: FileInfo['status'];
  error?: string;
}

/** The files of a message, from its metadata (channels put them there as they arrive). */
export function attachmentsOf(message: { metadata: Record<string, unknown> }): Attachment[] {
  const list = message.metadata.attachments;
  return Array.isArray(list) ? (list.filter((a) => a && typeof a === 'object') as Attachment[]) : [];
}
