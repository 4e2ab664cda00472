import { Type } from 'typebox';
import { AppError } from '../http/app-error.js';
import { Uuid } from '../http/schemas.js';
import { SetPresenceBody } from '../operators/operators.schema.js';
import { setPresence } from '../operators/set-presence.js';
import { publishEphemeral } from '../realtime/publish-ephemeral.js';
import type { Realtime } from '../realtime/socket-server.js';
import { rooms } from '../realtime/event-map.js';
import { acceptOffer } from './accept-offer.js';
import { sessionRooms } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { markRead } from './mark-read.js';
import { retryMessage } from './retry-message.js';
import { sendMessage } from './send-message.js';
import { findVisibleSession } from './session-access.js';
import { SendMessageBody } from './sessions.schema.js';
import { activeParticipants } from './sessions.repo.js';

/**
 * What operators do over the socket. Each event has a payload schema and runs the same use case, with the
 * same tenant, role and group checks, as its REST route.
 */
export function registerSocketEvents(realtime: Realtime, engine: EngineDeps): void {
  realtime.handle('presence.set', SetPresenceBody, async (actor, input) => {
    if (actor.kind !== 'user') throw new AppError('unprocessable', 'An API key has no presence');
    const result = await setPresence(engine, actor, {
      userId: actor.id,
      status: input.status,
      awayReason: input.awayReason,
    });
    return { status: result.status };
  });

  realtime.handle(
    'offer.accept',
    Type.Object({ offerId: Uuid }, { additionalProperties: false }),
    async (actor, input) => {
      const session = await acceptOffer(engine, actor, input.offerId);
      return { sessionId: session.id };
    },
  );

  realtime.handle(
    'message.send',
    // One object with every field: an intersection with a closed body schema would refuse `sessionId` itself.
    Type.Object({ sessionId: Uuid, ...SendMessageBody.properties }, { additionalProperties: false }),
    async (actor, input) => {
      const { sessionId, ...message } = input;
      const sent = await sendMessage(engine, actor, sessionId, message);
      return { messageId: sent.id, status: sent.status };
    },
  );

  realtime.handle(
    'message.retry',
    Type.Object({ sessionId: Uuid, messageId: Uuid }, { additionalProperties: false }),
    async (actor, input) => {
      const retried = await retryMessage(engine, actor, input.sessionId, input.messageId);
      return { messageId: retried.id, status: retried.status };
    },
  );

  realtime.handle(
    'session.read',
    Type.Object({ sessionId: Uuid, upToMessageId: Uuid }, { additionalProperties: false }),
    async (actor, input) => markRead(engine, actor, input.sessionId, input.upToMessageId),
  );

  realtime.handle(
    'session.typing',
    Type.Object({ sessionId: Uuid, typing: Type.Boolean() }, { additionalProperties: false }),
    async (actor, input) => {
      const db = engine.database.db;
      const session = await findVisibleSession(db, actor, input.sessionId);
      const participants = await activeParticipants(db, session.id);
      if (!participants.some((p) => p.userId === actor.id))
        throw new AppError('not_in_session', 'You do not take part in this session');
      // Fellow operators (conference) see it, and so does the customer where the channel shows typing.
      await publishEphemeral(db, actor.tenantId, 'typing', await sessionRooms(db, session), {
        sessionId: session.id,
        who: 'operator',
        name: actor.name,
        typing: input.typing,
      });
      await engine.channels.get(session.channel).typing?.(
        {
          tx: db,
          tenantId: session.tenantId,
          channelAccountId: session.channelAccountId,
          sessionId: session.id,
          contactId: session.contactId,
        },
        input.typing,
        actor.name,
      );
      return { ok: true };
    },
  );

  // Watching is live only: after a reconnect the client watches again and reloads the messages.
  realtime.handle(
    'session.watch',
    Type.Object({ sessionId: Uuid }, { additionalProperties: false }),
    async (actor, input, socket) => {
      await findVisibleSession(engine.database.db, actor, input.sessionId);
      await socket.join(rooms.session(input.sessionId));
      return { watching: true };
    },
  );

  realtime.handle(
    'session.unwatch',
    Type.Object({ sessionId: Uuid }, { additionalProperties: false }),
    async (_actor, input, socket) => {
      await socket.leave(rooms.session(input.sessionId));
      return { watching: false };
    },
  );
}
