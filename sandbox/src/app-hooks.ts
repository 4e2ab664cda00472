import type { FastifyError, FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { GraphError } from './graph/graph-error.js';
import { loggedBody, runAfterResponse } from './graph/request-hooks.js';
import type { LoggedCall } from './state/call-log.js';

const controlPrefix = '/_sandbox';

/** Call log, after-response tasks, and errors in Meta's envelope (control routes get a plain one). */
export function registerAppHooks(app: FastifyInstance, ctx: SandboxContext): void {
  const entries = new WeakMap<object, LoggedCall>();

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith(controlPrefix)) return payload;
    let response: unknown = payload;
    if (typeof payload === 'string') {
      try {
        response = JSON.parse(payload);
      } catch {
        response = payload;
      }
    } else if (Buffer.isBuffer(payload)) {
      response = `<${payload.length} bytes>`;
    }
    const url = new URL(request.url, 'http://sandbox');
    entries.set(
      request,
      ctx.calls.add({
        at: ctx.clock.now(),
        method: request.method,
        path: url.pathname,
        query: request.query as Record<string, unknown>,
        headers: request.headers,
        body: loggedBody(request),
        status: reply.statusCode,
        response,
      }),
    );
    return payload;
  });

  app.addHook('onResponse', async (request) => {
    runAfterResponse(request);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof GraphError) return reply.status(error.httpStatus).send(error.toEnvelope());
    if (request.url.startsWith(controlPrefix)) {
      // Control calls fail on bad input (unknown customer, bad schema): a 400 with the reason.
      return reply.status(error.statusCode ?? 400).send({ error: error.message });
    }
    if (error.statusCode && error.statusCode < 500) {
      const graph = new GraphError(400, 100, 'Invalid parameter', error.message);
      return reply.status(400).send(graph.toEnvelope());
    }
    request.log.error(error);
    return reply.status(500).send(new GraphError(500, 1, 'An unknown error occurred').toEnvelope());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new GraphError(
      400,
      2500,
      `Unknown path components: ${new URL(request.url, 'http://x').pathname}`,
    );
    return reply.status(400).send(error.toEnvelope());
  });
}
