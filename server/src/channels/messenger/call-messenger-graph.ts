import { graphRequest, type GraphAnswer } from '../meta/graph-request.js';
import type { MessengerRuntime } from './messenger-runtime.js';

/** An error answer of the Graph API (Meta's envelope, with Messenger's subcode), or a failure to reach it. */
export class MessengerGraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly subcode: number | undefined,
    readonly title: string,
    readonly network = false,
  ) {
    super(`Graph API error ${code}${subcode ? `/${subcode}` : ''}: ${title}`);
  }
}

const TIMEOUT_MS = 20_000;

/**
 * One Messenger Platform call with the Page access token as `access_token` (as Meta's own samples pass it). The
 * body is JSON, or multipart form data for an attachment upload. Answers the parsed body on 2xx; throws
 * MessengerGraphError otherwise.
 */
export async function callMessengerGraph<T = Record<string, unknown>>(
  graph: MessengerRuntime['graph'],
  pageToken: string,
  method: 'GET' | 'POST',
  path: string,
  body?: Record<string, unknown> | FormData,
  query: Record<string, string> = {},
): Promise<T> {
  const url = new URL(`${graph.baseUrl}/${graph.version}/${path.replace(/^\//, '')}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  url.searchParams.set('access_token', pageToken);
  let response: GraphAnswer;
  try {
    response =
      body instanceof FormData
        ? await postForm(url, body)
        : await graphRequest(url, {
            method,
            ...(body !== undefined
              ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
              : {}),
            timeoutMs: TIMEOUT_MS,
          });
  } catch (error) {
    throw new MessengerGraphError(
      0,
      0,
      undefined,
      `Could not reach the Graph API: ${(error as Error).message}`,
      true,
    );
  }
  let parsed: unknown;
  try {
    parsed = response.text ? JSON.parse(response.text) : {};
  } catch {
    parsed = undefined;
  }
  if (response.ok && parsed && typeof parsed === 'object') return parsed as T;
  const error = (parsed as { error?: Record<string, unknown> } | undefined)?.error;
  throw new MessengerGraphError(
    response.status,
    typeof error?.code === 'number' ? error.code : 0,
    typeof error?.error_subcode === 'number' ? error.error_subcode : undefined,
    typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
  );
}

/** An attachment upload: multipart form data, which `fetch` encodes. */
async function postForm(url: URL, form: FormData): Promise<GraphAnswer> {
  const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: response.status, ok: response.ok, text: await response.text() };
}
