import { graphRequest, type GraphAnswer } from '../meta/graph-request.js';
import type { WhatsAppRuntime } from './whatsapp-runtime.js';

/** An error answer of the Graph API (Meta's envelope), or a failure to reach it (`code` 0, `network`). */
export class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly title: string,
    readonly details: string | undefined,
    readonly network = false,
  ) {
    super(`Graph API error ${code}: ${title}`);
  }
}

const TIMEOUT_MS = 20_000;

/**
 * One Graph API call with the number's bearer token. Answers the parsed JSON body on 2xx; throws GraphError
 * otherwise, with Meta's code and details when the body is Meta's error envelope.
 */
export async function callGraph<T = Record<string, unknown>>(
  graph: WhatsAppRuntime['graph'],
  accessToken: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const url = `${graph.baseUrl}/${graph.version}/${path.replace(/^\//, '')}`;
  let response: GraphAnswer;
  try {
    response = await graphRequest(url, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      timeoutMs: TIMEOUT_MS,
    });
  } catch (error) {
    throw new GraphError(0, 0, `Could not reach the Graph API: ${(error as Error).message}`, undefined, true);
  }
  let parsed: unknown;
  try {
    parsed = response.text ? JSON.parse(response.text) : {};
  } catch {
    parsed = undefined;
  }
  if (response.ok && parsed && typeof parsed === 'object') return parsed as T;
  const error = (parsed as { error?: Record<string, unknown> } | undefined)?.error;
  const code = typeof error?.code === 'number' ? error.code : 0;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  const details = (error?.error_data as { details?: unknown } | undefined)?.details;
  throw new GraphError(response.status, code, message, typeof details === 'string' ? details : undefined);
}

/** Uploads a file to the number's media (`POST /{phone-number-id}/media`, multipart); answers Meta's media id. */
export async function uploadGraphMedia(
  graph: WhatsAppRuntime['graph'],
  accessToken: string,
  phoneNumberId: string,
  file: { bytes: Buffer; contentType: string; filename: string },
): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.contentType);
  form.set('file', new Blob([file.bytes], { type: file.contentType }), file.filename);
  let response: Response;
  try {
    response = await fetch(`${graph.baseUrl}/${graph.version}/${phoneNumberId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      body: form,
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new GraphError(0, 0, `Could not upload the media: ${(error as Error).message}`, undefined, true);
  }
  const body = (await response.json().catch(() => ({}))) as {
    id?: unknown;
    error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } };
  };
  if (response.ok && typeof body.id === 'string') return body.id;
  const code = typeof body.error?.code === 'number' ? body.error.code : 0;
  const details = body.error?.error_data?.details;
  throw new GraphError(
    response.status,
    code,
    typeof body.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`,
    typeof details === 'string' ? details : undefined,
  );
}

/** Downloads a media URL Meta gave (it needs the same bearer token). */
export async function fetchMediaBytes(
  url: string,
  accessToken: string,
): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    throw new GraphError(0, 0, `Could not download the media: ${(error as Error).message}`, undefined, true);
  }
  if (!response.ok)
    throw new GraphError(response.status, 0, `Media download answered ${response.status}`, undefined);
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? undefined,
  };
}
