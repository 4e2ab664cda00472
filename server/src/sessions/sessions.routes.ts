import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import { errorResponses, IdParams, Uuid } from '../http/schemas.js';
import { pendingOffersOfUser } from '../routing/offers.repo.js';
import { acceptOffer } from './accept-offer.js';
import { messageSummary } from './announce.js';
import { inviteToConference, leaveConference } from './conference.js';
import { endSession } from './end-session.js';
import { composerOf } from './composer-of.js';
import type { EngineDeps } from './engine-deps.js';
import { listSessions } from './list-sessions.js';
import { markRead } from './mark-read.js';
import { resumeSession } from './resume-session.js';
import { reactToMessage } from './react-to-message.js';
import { retryMessage } from './retry-message.js';
import { sendMessage } from './send-message.js';
import { findVisibleSession } from './session-access.js';
import { sessionView, sessionViews } from './session-view.js';
import {
  Composer,
  EndBody,
  ListSessionsQuery,
  Message,
  MessageParams,
  ReactionBody,
  Offer,
  SendMessageBody,
  Session,
  SessionDetail,
  TransferBody,
  TransferTargets,
} from './sessions.schema.js';
import { messagesOfSession, timelineOf } from './sessions.repo.js';
import { takeOverSession } from './take-over.js';
import { transferSession } from './transfer-session.js';
import { transferTargets } from './transfer-targets.js';

export const sessionsRoutes: FastifyPluginAsyncTypebox<{ engine: EngineDeps }> = async (app, { engine }) => {
  const tags = ['sessions'];
  const db = engine.database.db;

  app.get(
    '/sessions',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'The session table: search and filter',
        querystring: ListSessionsQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Session),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => listSessions(db, actorOf(request), request.query),
  );

  app.get(
    '/sessions/:id',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: SessionDetail, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = await findVisibleSession(db, actor, request.params.id);
      const timeline = await timelineOf(db, session.id);
      return {
        session: await sessionView(db, actor.tenantId, session.id, engine),
        composer: composerOf(engine, session),
        timeline: timeline.map((t) => ({
          id: t.id,
          type: t.type,
          actorKind: t.actorKind,
          actorUserId: t.actorUserId,
          data: t.data,
          at: t.createdAt,
        })),
      };
    },
  );

  app.get(
    '/sessions/:id/messages',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }) }),
        response: { 200: Type.Object({ items: Type.Array(Message) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = await findVisibleSession(db, actorOf(request), request.params.id);
      const rows = await messagesOfSession(db, session.id, { limit: request.query.limit });
      return { items: await Promise.all(rows.map((m) => messageSummary(db, m))) };
    },
  );

  app.get(
    '/sessions/:id/composer',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Composer, ...errorResponses } },
    },
    async (request) => composerOf(engine, await findVisibleSession(db, actorOf(request), request.params.id)),
  );

  app.get(
    '/offers',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Your pending offers',
        response: { 200: Type.Object({ items: Type.Array(Offer) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const offers = await pendingOffersOfUser(db, actor.tenantId, actor.id);
      const views = await sessionViews(
        db,
        actor.tenantId,
        offers.map((o) => o.sessionId),
      );
      return {
        items: offers.map((o) => ({
          id: o.id,
          sessionId: o.sessionId,
          kind: o.kind,
          expiresAt: o.expiresAt.toISOString(),
          fromUserId: o.fromUserId,
          session: views.find((v) => v.id === o.sessionId)!,
        })),
      };
    },
  );

  app.post(
    '/offers/:id/accept',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Session, ...errorResponses } },
    },
    async (request) => acceptOffer(engine, actorOf(request), request.params.id),
  );

  app.post(
    '/sessions/:id/messages',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        params: IdParams,
        body: SendMessageBody,
        response: { 201: Message, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await sendMessage(engine, actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/sessions/:id/messages/:messageId/retry',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Send a failed message again (participants and supervisors)',
        params: MessageParams,
        response: { 200: Message, ...errorResponses },
      },
    },
    async (request) => retryMessage(engine, actorOf(request), request.params.id, request.params.messageId),
  );

  app.post(
    '/sessions/:id/messages/:messageId/reaction',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'React to a message with an emoji, or take the reaction back with null',
        params: MessageParams,
        body: ReactionBody,
        response: { 200: Message, ...errorResponses },
      },
    },
    async (request) =>
      reactToMessage(
        engine,
        actorOf(request),
        request.params.id,
        request.params.messageId,
        request.body.emoji,
      ),
  );

  app.post(
    '/sessions/:id/read',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        params: IdParams,
        body: Type.Object({ upToMessageId: Uuid }, { additionalProperties: false }),
        response: { 200: Type.Object({ read: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => markRead(engine, actorOf(request), request.params.id, request.body.upToMessageId),
  );

  app.get(
    '/sessions/:id/transfer-targets',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: TransferTargets, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      await findVisibleSession(db, actor, request.params.id);
      return transferTargets(db, actor);
    },
  );

  app.post(
    '/sessions/:id/transfer',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, body: TransferBody, response: { 200: Session, ...errorResponses } },
    },
    async (request) => transferSession(engine, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/sessions/:id/conference',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Invite an operator to the session',
        params: IdParams,
        body: Type.Object({ userId: Uuid }, { additionalProperties: false }),
        response: { 200: Session, ...errorResponses },
      },
    },
    async (request) => inviteToConference(engine, actorOf(request), request.params.id, request.body.userId),
  );

  app.post(
    '/sessions/:id/conference/end',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Session, ...errorResponses } },
    },
    async (request) => leaveConference(engine, actorOf(request), request.params.id, 'end'),
  );

  app.post(
    '/sessions/:id/conference/exit',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Session, ...errorResponses } },
    },
    async (request) => leaveConference(engine, actorOf(request), request.params.id, 'exit'),
  );

  app.post(
    '/sessions/:id/end',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'End with a wrap-up',
        params: IdParams,
        body: EndBody,
        response: { 200: Session, ...errorResponses },
      },
    },
    async (request) => endSession(engine, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/sessions/:id/take-over',
    {
      config: { access: 'supervisor' },
      schema: { tags, params: IdParams, response: { 200: Session, ...errorResponses } },
    },
    async (request) => takeOverSession(engine, actorOf(request), request.params.id),
  );

  app.post(
    '/sessions/:id/resume',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'A new session with the contact of an ended one',
        params: IdParams,
        response: { 201: Session, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await resumeSession(engine, actorOf(request), request.params.id)),
  );
};
