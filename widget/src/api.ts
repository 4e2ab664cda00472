import type { VisitorMessage } from '@switchboard/server/events';
import type { BlockedFileTypes } from '@switchboard/server/check-upload';

export interface WidgetConfig {
  name: string;
  entryForm: { name: boolean; email: boolean; question: boolean };
  greeting: string | null;
  files: { maxUploadBytes: number; maxFilesPerMessage: number; blockedFileTypes: BlockedFileTypes };
}

export interface ChatSession {
  id: string;
  state: string;
  endedAt: string | null;
  rating: number | null;
}

export interface Conversation {
  session: ChatSession | null;
  messages: VisitorMessage[];
}

/** The server answered with `{ error: { code, message } }` (or an unexpected status). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** Worth sending again later: the server was busy or failing, the request itself was fine. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** The request never got an answer (offline, DNS, connection reset): it may be sent again as it is. */
export class NetworkError extends Error {}

export type WidgetApi = ReturnType<typeof createApi>;

/** The public web chat API of one widget key; the visitor token is read at each call. */
export function createApi(base: string, key: string, token: () => string | undefined) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const visitorToken = token();
    if (visitorToken) headers['x-visitor-token'] = visitorToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1/webchat/${encodeURIComponent(key)}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new NetworkError('No connection');
    }
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? 'http_error',
        error?.message ?? `Request failed (${response.status})`,
      );
    }
    return data as T;
  }

  return {
    config: () => request<WidgetConfig>('GET', '/config'),
    start: (body: {
      name?: string;
      email?: string;
      question?: string;
      clientMessageId?: string;
      pageUrl?: string;
    }) => request<{ token?: string; visitorId: string; conversation: Conversation }>('POST', '/chat', body),
    chat: () => request<Conversation>('GET', '/chat'),
    send: (body: { clientMessageId: string; text: string; pageUrl?: string }) =>
      request<{ message: VisitorMessage; sessionId: string; duplicate: boolean }>('POST', '/messages', body),
    fileLinks: (fileIds: string[]) => request<{ items: FileLink[] }>('POST', '/file-links', { fileIds }),
    receipt: (status: 'delivered' | 'read', upToMessageId: string) =>
      request<{ updated: number }>('POST', '/receipts', { status, upToMessageId }),
    typing: (typing: boolean) => request<null>('POST', '/typing', { typing }),
    end: () => request<{ sessionId: string }>('POST', '/end'),
    rate: (stars: number, comment?: string) =>
      request<{ sessionId: string; rating: number }>('POST', '/rating', {
        stars,
        ...(comment ? { comment } : {}),
      }),
  };
}

export interface FileLink {
  fileId: string;
  url: string;
  thumbnailUrl: string | null;
  expiresAt: string;
}

export type SendReply = { message: VisitorMessage; sessionId: string; duplicate: boolean };

/**
 * Sends files as one message (multipart: the fields first, then the files). XMLHttpRequest rather than fetch:
 * it reports upload progress.
 */
export function uploadFiles(
  base: string,
  key: string,
  token: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<SendReply> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${base}/api/v1/webchat/${encodeURIComponent(key)}/files`);
    xhr.setRequestHeader('x-visitor-token', token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new NetworkError('No connection'));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as SendReply);
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      reject(
        new ApiError(
          xhr.status,
          error?.code ?? 'http_error',
          error?.message ?? `Upload failed (${xhr.status})`,
        ),
      );
    };
    xhr.send(form);
  });
}
