import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from './app-error.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

/**
 * PostgreSQL's refusals of text it cannot store: the NUL character (`\u0000`, in text or jsonb) and bytes that are
 * not UTF-8. They come from the caller's input, so they are the caller's error, not ours.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

function databaseCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** What the first failed check says, named by its field: "offerTimeoutSeconds must be >= 5". */
function describeFirst(v: NonNullable<FastifyError['validation']>[number] | undefined): string {
  if (!v) return 'invalid';
  if (v.keyword === 'additionalProperties')
    return `unknown field ${(v.params as { additionalProperty?: string }).additionalProperty}`;
  const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return field ? `${field} ${v.message ?? 'is not valid'}` : (v.message ?? 'invalid');
}

/** Turns every failure into `{ error: { code, message, details? } }` with the status of its code. */
export function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  const dbCode = databaseCode(error);
  if (dbCode && UNSTORABLE_TEXT.has(dbCode))
    return new AppError(
      'validation_failed',
      'Text may not contain the NUL character or bytes that are not UTF-8',
    );
  const fe = error as FastifyError;
  if (fe.validation) {
    const details = fe.validation.map((v) => ({
      path: `${fe.validationContext ?? ''}${v.instancePath}`,
      message: v.message,
      ...(v.keyword === 'additionalProperties'
        ? { field: (v.params as { additionalProperty?: string }).additionalProperty }
        : {}),
    }));
    return new AppError(
      'validation_failed',
      `The request does not match the expected schema (${describeFirst(fe.validation[0])})`,
      details,
    );
  }
  const mapped =
    (fe.code && FASTIFY_CODES[fe.code]) || (error instanceof SyntaxError ? 'invalid_json' : undefined);
  if (mapped) return new AppError(mapped, fe.message);
  const status = fe.statusCode ?? 500;
  const byStatus = BY_STATUS[status];
  if (byStatus) return new AppError(byStatus, fe.message);
  return new AppError('internal', 'Something went wrong on our side');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    const body: { code: string; message: string; details?: unknown } = {
      code: appError.code,
      message: appError.message,
    };
    if (appError.details !== undefined) body.details = appError.details;
    return reply.status(appError.status).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refused before any route ran (a body cut short by a
 * half-closed socket, malformed framing, headers too large, too slow) is answered in the API's own error format,
 * when the socket can still be written to, and the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('payload_too_large', 'The request headers are too large')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('validation_failed', 'The request did not arrive in time')
        : new AppError('validation_failed', 'The request was cut short or is not valid HTTP');
  if (socket.writable) {
    const body = JSON.stringify({ error: { code: appError.code, message: appError.message } });
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
