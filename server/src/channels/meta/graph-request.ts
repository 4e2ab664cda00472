import { request } from 'undici';

/** A Graph API answer: its HTTP status and its body as text. */
export interface GraphAnswer {
  status: number;
  ok: boolean;
  text: string;
}

/**
 * One HTTP call to the Graph API (or the sandbox standing in for it) on undici's keep-alive pool. `fetch` builds
 * WHATWG request, response and stream objects for every call, which were a tenth of the app's CPU in the outbox's
 * profile. Rejects when the call cannot be made, or when the answer's headers, or a pause in its body, take longer
 * than `timeoutMs`.
 */
export async function graphRequest(
  url: string | URL,
  options: {
    method: 'GET' | 'POST' | 'DELETE';
    headers?: Record<string, string>;
    body?: string;
    timeoutMs: number;
  },
): Promise<GraphAnswer> {
  const { statusCode, body } = await request(url, {
    method: options.method,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return { status: statusCode, ok: statusCode >= 200 && statusCode < 300, text: await body.text() };
}
