import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { answerClientError, registerErrorHandling } from '../http/error-handler.js';
import type { Metrics } from './metrics.js';
import { metricsRoutes } from './metrics.routes.js';

/**
 * A listener for `/metrics` alone (METRICS_PORT), with the same access rule as the API's: a worker-only process
 * has no other, and a deployment may keep scrapes off the public port. It never listens: main.ts decides where.
 */
export async function buildMetricsApp(deps: {
  metrics: Metrics;
  token: string | undefined;
  logger?: FastifyBaseLogger;
}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    clientErrorHandler: answerClientError,
  });
  registerErrorHandling(app);
  await app.register(metricsRoutes, { metrics: deps.metrics, token: deps.token });
  return app;
}
