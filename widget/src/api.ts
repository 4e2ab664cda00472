import type { VisitorMessage } from '@switchboard/server/events';

export interface WidgetConfig {
  name: string;
  entryForm: { name: boolean; email: boolean; question: boolean };
  greeting: string | null;
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
