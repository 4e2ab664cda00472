import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../http/app-error.js';
import { bearerToken, safeEqual } from '../lib/tokens.js';
import type { Metrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A channel's webhook: its answer time goes into `switchboard_webhook_duration_seconds`. */
    webhookOf?: 'whatsapp' | 'messenger';
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Prometheus `GET /metrics`, and the answer time of every webhook delivery (routes with `config.webhookOf`). The figures name tenants and groups,
 * so they are not public: a scraper sends the configured token, or, without one, calls from this machine
 * directly (not through a proxy, which would make everyone local).
 */
export const metricsRoutes = fp<{ metrics: Metrics; token: string | undefined }>(
  async (app, { metrics, token }) => {
    app.addHook('onResponse', async (request, reply) => {
      const channel = request.routeOptions.config.webhookOf;
      if (channel)
        metrics.webhookDuration.observe(
          { channel, status: String(reply.statusCode) },
          reply.elapsedTime / 1000,
        );
    });

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      allowScraper(request, token);
      let text: string;
      try {
        text = await metrics.registry.metrics();
      } catch {
        throw new AppError('unavailable', 'The metrics could not be read from the database');
      }
      return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
    });
  },
  { name: 'metrics' },
);

function allowScraper(request: FastifyRequest, token: string | undefined): void {
  if (token) {
    const bearer = bearerToken(request.headers);
    if (!bearer || !safeEqual(bearer, token))
      throw AppError.unauthenticated('Send the metrics token as a bearer token');
    return;
  }
  const proxied = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  if (proxied || !LOOPBACK.has(request.socket.remoteAddress ?? ''))
    throw new AppError(
      'forbidden',
      'Metrics are answered to this machine only; set METRICS_TOKEN to scrape them from elsewhere',
    );
}
