import { createHash, createHmac, randomBytes } from 'node:crypto';
import { newNumericId } from '../ids.js';

export interface StoredMedia {
  id: string;
  product: 'whatsapp' | 'messenger';
  /** phone_number_id or page id that owns it. */
  owner: string;
  mimeType: string;
  filename: string | undefined;
  data: Buffer;
  sha256: string;
  /** Epoch ms after which the id is gone (7 days for webhook media, 30 for uploads, 90 for reusable attachments). */
  expiresAt: number;
  deleted: boolean;
  /** Set when the file was given by URL (Messenger attachment upload from a link). */
  sourceUrl?: string;
}

export const mediaLifetimes = {
  whatsappInbound: 7 * 24 * 3600_000,
  whatsappUpload: 30 * 24 * 3600_000,
  messengerAttachment: 90 * 24 * 3600_000,
  /** Download URLs from `GET /{media-id}` (and webhook `url`s) last five minutes. */
  downloadUrl: 5 * 60_000,
  /** Messenger CDN URLs (inbound attachments, profile pictures) expire too. */
  cdnUrl: 24 * 3600_000,
};

/** Files held by the sandbox: WhatsApp media, Messenger attachments and inbound customer files. */
export class MediaStore {
  private readonly items = new Map<string, StoredMedia>();
  private readonly urlKey = randomBytes(32);

  add(input: Omit<StoredMedia, 'id' | 'sha256' | 'deleted'> & { id?: string }): StoredMedia {
    const media: StoredMedia = {
      ...input,
      id: input.id ?? newNumericId(),
      sha256: createHash('sha256').update(input.data).digest('base64'),
      deleted: false,
    };
    this.items.set(media.id, media);
    return media;
  }

  /** A live (not deleted, not expired) media item. */
  get(id: string, now: number): StoredMedia | undefined {
    const media = this.items.get(id);
    if (!media || media.deleted || media.expiresAt <= now) return undefined;
    return media;
  }

  /** Signs a download URL's query so it cannot be forged or extended. */
  sign(id: string, expiresAtSeconds: number): string {
    return createHmac('sha256', this.urlKey)
      .update(`${id}:${expiresAtSeconds}`)
      .digest('base64url')
      .slice(0, 24);
  }

  /** Meta's lookaside-style URL for a WhatsApp media id, valid five minutes from `now`. */
  whatsappUrl(baseUrl: string, id: string, now: number): string {
    const ext = Math.floor((now + mediaLifetimes.downloadUrl) / 1000);
    return `${baseUrl}/whatsapp_business/attachments/?mid=${id}&ext=${ext}&hash=${this.sign(id, ext)}`;
  }

  /** A CDN-style URL (no auth, expiring) like Messenger's `scontent` links. */
  cdnUrl(baseUrl: string, id: string, now: number, filename = 'file'): string {
    const oe = Math.floor((now + mediaLifetimes.cdnUrl) / 1000);
    return `${baseUrl}/cdn/${id}/${encodeURIComponent(filename)}?oe=${oe}&oh=${this.sign(id, oe)}`;
  }
}
