import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import { AppError } from '../http/app-error.js';
import { decodeCursor, encodeCursor } from '../http/page-cursor.js';
import { DateTime, errorResponses, IdParams, ListOf, Uuid } from '../http/schemas.js';
import {
  createEndpoint,
  deleteEndpoint,
  pingEndpoint,
  redeliver,
  rotateSecret,
  updateEndpoint,
  type WebhookDeps,
} from './manage-endpoints.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { attemptsOf, findDelivery, findEndpoint, listDeliveries, listEndpoints } from './webhooks.repo.js';

const EventType = Type.Union(WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)));
const Url = Type.String({ minLength: 1, maxLength: 2048 });
const Description = Type.Union([Type.String({ maxLength: 200 }), Type.Null()]);
const Events = Type.Array(EventType, {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  uniqueItems: true,
});

const Endpoint = Type.Object({
  id: Uuid,
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
const Secret = Type.Object({ secret: Type.String() });
const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);
const Delivery = Type.Object({
  id: Uuid,
  endpointId: Uuid,
  eventType: Type.String(),
  eventId: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
  deliveredAt: Type.Union([DateTime, Type.Null()]),
});
const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });

/** Outbound webhooks (SPEC §8): the tenant's endpoints and their delivery log, for admins. */
export const webhooksRoutes: FastifyPluginAsyncTypebox<WebhookDeps> = async (app, deps) => {
  const tags = ['webhooks'];
  const access = { access: 'admin' as const };

  async function endpointOf(tenantId: string, id: string) {
    const endpoint = await findEndpoint(deps.database.db, tenantId, id);
    if (!endpoint) throw new AppError('not_found', 'No such webhook endpoint');
    return endpoint;
  }

  app.get(
    '/webhooks',
    { config: access, schema: { tags, response: { 200: ListOf(Endpoint), ...errorResponses } } },
    async (request) => ({ items: await listEndpoints(deps.database.db, actorOf(request).tenantId) }),
  );

  app.post(
    '/webhooks',
    {
      config: access,
      schema: {
        tags,
        summary: 'Register an endpoint; its signing secret is in this reply only',
        body: Type.Object(
          {
            url: Url,
            description: Type.Optional(Description),
            events: Events,
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([Endpoint, Secret]), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createEndpoint(deps, actorOf(request), request.body)),
  );

  app.get(
    '/webhooks/:id',
    { config: access, schema: { tags, params: IdParams, response: { 200: Endpoint, ...errorResponses } } },
    async (request) => endpointOf(actorOf(request).tenantId, request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      config: access,
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            description: Type.Optional(Description),
            events: Type.Optional(Events),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Endpoint, ...errorResponses },
      },
    },
    async (request) => updateEndpoint(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/webhooks/:id',
    { config: access, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteEndpoint(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/secret',
    {
      config: access,
      schema: {
        tags,
        summary: 'Replace the signing secret; the new one is in this reply only',
        params: IdParams,
        response: { 200: Secret, ...errorResponses },
      },
    },
    async (request) => rotateSecret(deps, actorOf(request), request.params.id),
  );

  app.post(
    '/webhooks/:id/ping',
    {
      config: access,
      schema: {
        tags,
        summary: 'Send a test delivery (event type `ping`)',
        params: IdParams,
        response: { 202: Delivery, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await pingEndpoint(deps, actorOf(request), request.params.id)),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: access,
      schema: {
        tags,
        summary: "The endpoint's delivery log, newest first",
        params: IdParams,
        querystring: Type.Object(
          {
            status: Type.Optional(DeliveryStatus),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(Delivery),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = actorOf(request);
      const endpoint = await endpointOf(tenantId, request.params.id);
      const { status, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const before = cursor ? decodeCursor(cursor, ['date', 'uuid']) : undefined;
      const rows = await listDeliveries(deps.database.db, tenantId, endpoint.id, {
        status,
        ...(before ? { before: { createdAt: before[0]!, id: before[1]! } } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.cursorTime, last.id]) : null,
      };
    },
  );

  app.get(
    '/webhooks/:id/deliveries/:deliveryId',
    {
      config: access,
      schema: {
        tags,
        summary: 'One delivery: the body sent and every attempt',
        params: DeliveryParams,
        response: {
          200: Type.Intersect([
            Delivery,
            Type.Object({
              payload: Type.Record(Type.String(), Type.Unknown()),
              attemptLog: Type.Array(
                Type.Object({
                  at: DateTime,
                  statusCode: Type.Union([Type.Integer(), Type.Null()]),
                  error: Type.Union([Type.String(), Type.Null()]),
                  durationMs: Type.Integer(),
                }),
              ),
            }),
          ]),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = actorOf(request);
      const delivery = await findDelivery(
        deps.database.db,
        tenantId,
        request.params.id,
        request.params.deliveryId,
      );
      if (!delivery) throw new AppError('not_found', 'No such delivery');
      return { ...delivery, attemptLog: await attemptsOf(deps.database.db, delivery.id) };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: access,
      schema: {
        tags,
        summary: 'Send a delivered or failed delivery again',
        params: DeliveryParams,
        response: { 202: Delivery, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await redeliver(deps, actorOf(request), request.params.id, request.params.deliveryId)),
  );
};
