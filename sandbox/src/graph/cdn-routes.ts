import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { downloadWhatsAppMedia } from './whatsapp-media.js';

function initials(first: string, last: string): string {
  return `${first[0] ?? ''}${last[0] ?? ''}`.toUpperCase().replace(/[^A-Z]/g, '');
}

/** Download URLs: WhatsApp's bearer-protected lookaside URLs and Messenger-style expiring CDN links. */
export function registerCdnRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/whatsapp_business/attachments/', (request, reply) => downloadWhatsAppMedia(ctx, request, reply));

  app.get<{ Params: { psid: string }; Querystring: { oe?: string; oh?: string } }>(
    '/cdn/profile/:psid',
    async (request, reply) => {
      const oe = Number(request.query.oe);
      const customer = ctx.customers.findMessenger(request.params.psid);
      if (
        !customer ||
        request.query.oh !== ctx.media.sign(`profile:${customer.psid}`, oe) ||
        oe * 1000 <= ctx.clock.now()
      ) {
        return reply.status(403).type('text/plain').send('URL signature expired');
      }
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="#4a6fa5"/><text x="50" y="62" font-size="36" text-anchor="middle" fill="#fff" font-family="sans-serif">${initials(customer.firstName, customer.lastName)}</text></svg>`;
      return reply.type('image/svg+xml').send(svg);
    },
  );

  app.get<{ Params: { id: string; name: string }; Querystring: { oe?: string; oh?: string } }>(
    '/cdn/:id/:name',
    async (request, reply) => {
      const oe = Number(request.query.oe);
      const media = ctx.media.get(request.params.id, ctx.clock.now());
      if (!media || request.query.oh !== ctx.media.sign(media.id, oe) || oe * 1000 <= ctx.clock.now()) {
        return reply.status(403).type('text/plain').send('URL signature expired');
      }
      return reply.header('content-type', media.mimeType).send(media.data);
    },
  );
}
