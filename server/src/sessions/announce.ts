import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { ChannelRegistry } from './engine-deps.js';
import { users } from '../db/schema.js';
import { rooms, type MessageSummary, type OfferSummary } from '../realtime/event-map.js';
import {
  recordEvent,
  recordEvents,
  recordEventsOfView,
  type EventsOfView,
} from '../realtime/record-event.js';
import { sessionViews, type ComposerDeps, type SessionView } from './session-view.js';
import {
  activeParticipants,
  activeParticipantsOf,
  insertTimelineEntries,
  type MessageRow,
  type SessionRow,
} from './sessions.repo.js';

/** Who hears about a session: its group, its operators, and whoever watches it. */
export async function sessionRooms(
  tx: Executor,
  session: { id: string; groupId: string | null },
  extraUserIds: string[] = [],
) {
  const participants = await activeParticipants(tx, session.id);
  return roomsOfSession(session, [...participants.map((p) => p.userId), ...extraUserIds]);
}

function roomsOfSession(session: { id: string; groupId: string | null }, userIds: string[]) {
  return [
    ...(session.groupId ? [rooms.group(session.groupId)] : []),
    rooms.session(session.id),
    ...[...new Set(userIds)].map(rooms.operator),
  ];
}

/**
 * Pushes the session's current state to operators, and tells the channel (the web chat widget shows who is there).
 * `extraUserIds`: operators who just left or were offered it.
 */
export async function announceSession(
  tx: Executor,
  deps: { channels: ChannelRegistry; now: () => Date },
  session: SessionRow,
  extraUserIds: string[] = [],
): Promise<SessionView> {
  const view = (await announceSessions(tx, deps, session.tenantId, [{ session, extraUserIds }])).get(
    session.id,
  );
  if (!view) throw new Error(`session ${session.id} not found`);
  return view;
}

/**
 * `announceSession` for several sessions of a tenant, their views read in one statement; answers the views (a
 * session whose view is gone is left out, and nothing is announced for it).
 */
export async function announceSessions(
  tx: Executor,
  deps: { channels: ChannelRegistry; now: () => Date },
  tenantId: string,
  items: Array<{ session: SessionRow; extraUserIds: string[] }>,
): Promise<Map<string, SessionView>> {
  if (items.length === 0) return new Map();
  const views = new Map(
    (
      await sessionViews(
        tx,
        tenantId,
        items.map(({ session }) => session.id),
        deps,
      )
    ).map((view) => [view.id, view]),
  );
  for (const { session, extraUserIds } of items) {
    const view = views.get(session.id);
    if (!view) continue;
    // The view lists the session's operators: its rooms need no second read.
    await recordEvent(tx, tenantId, 'session.changed', roomsOfView(session, view, extraUserIds), {
      session: view,
    });
    await tellChannel(tx, deps, session, view);
  }
  return views;
}

function roomsOfView(
  session: { id: string; groupId: string | null },
  view: SessionView,
  extraUserIds: string[] = [],
) {
  return roomsOfSession(session, [...view.participants.map((p) => p.userId), ...extraUserIds]);
}

async function tellChannel(
  tx: Executor,
  deps: { channels: ChannelRegistry },
  session: SessionRow,
  view: Pick<SessionView, 'state' | 'participants'>,
): Promise<void> {
  await deps.channels.get(session.channel).sessionChanged?.(
    {
      tx,
      tenantId: session.tenantId,
      channelAccountId: session.channelAccountId,
      sessionId: session.id,
      contactId: session.contactId,
    },
    view.state,
    view.participants.map((p) => p.name),
  );
}

/** Adds an entry to the session's timeline (who, when, why) and pushes it. */
export async function recordTimeline(
  tx: Executor,
  session: SessionRow,
  entry: {
    type: string;
    actorKind: 'operator' | 'customer' | 'system' | 'api';
    actorUserId?: string | null;
    data?: Record<string, unknown>;
    at: Date;
  },
) {
  await recordTimelines(tx, [{ session, ...entry }]);
}

/** `recordTimeline` for several entries: inserted in one statement, their sessions' operators read in one. */
export async function recordTimelines(
  tx: Executor,
  entries: Array<{
    session: SessionRow;
    type: string;
    actorKind: 'operator' | 'customer' | 'system' | 'api';
    actorUserId?: string | null;
    data?: Record<string, unknown>;
    at: Date;
  }>,
) {
  if (entries.length === 0) return;
  const rows = await insertTimelineEntries(
    tx,
    entries.map(({ session, ...entry }) => ({
      tenantId: session.tenantId,
      sessionId: session.id,
      type: entry.type,
      actorKind: entry.actorKind,
      actorUserId: entry.actorUserId ?? null,
      data: entry.data ?? {},
      createdAt: entry.at,
    })),
  );
  const participants = await activeParticipantsOf(tx, [...new Set(rows.map((row) => row.sessionId))]);
  for (const [index, row] of rows.entries()) {
    const { session } = entries[index]!;
    const userIds = (participants.get(session.id) ?? []).map((p) => p.userId);
    await recordEvent(
      tx,
      session.tenantId,
      'session.timeline',
      roomsOfSession(session, userIds),
      timelinePayload(row),
    );
  }
}

type TimelineRow = Awaited<ReturnType<typeof insertTimelineEntries>>[number];

function timelinePayload(row: TimelineRow) {
  return {
    id: row.id,
    sessionId: row.sessionId,
    type: row.type,
    actorKind: row.actorKind,
    actorUserId: row.actorUserId,
    data: row.data,
    at: row.createdAt.toISOString(),
  };
}

/**
 * A message as operators see it. `known`: users whose names the caller has just read (the session's operators), so
 * that an operator's message needs no read of its author.
 */
export async function messageSummary(
  tx: Executor,
  message: MessageRow,
  known: Array<{ userId: string; name: string }> = [],
): Promise<MessageSummary> {
  let author: MessageSummary['author'] = null;
  if (message.authorUserId) {
    const userId = message.authorUserId;
    const name =
      known.find((user) => user.userId === userId)?.name ??
      (await tx.select({ name: users.name }).from(users).where(eq(users.id, userId)))[0]?.name;
    author = { userId, name: name ?? '' };
  }
  return {
    id: message.id,
    sessionId: message.sessionId,
    clientMessageId: message.clientMessageId,
    direction: message.direction,
    authorKind: message.authorKind,
    author,
    text: message.text,
    quotedMessageId: message.quotedMessageId,
    status: message.status,
    errorCode: message.errorCode,
    errorReason: message.errorReason,
    createdAt: message.createdAt.toISOString(),
    metadata: message.metadata,
  };
}

/** Pushes a new or changed message to the session's operators; answers the message as they see it. */
export async function announceMessage(
  tx: Executor,
  session: SessionRow,
  message: MessageRow,
  name: 'message.created' | 'message.updated' = 'message.created',
  /** The session's operators, when the caller has just read them. */
  known?: Array<{ userId: string; name: string }>,
): Promise<MessageSummary> {
  const participants = known ?? (await activeParticipants(tx, session.id));
  const summary = await messageSummary(tx, message, participants);
  await recordEvent(
    tx,
    session.tenantId,
    name,
    [rooms.session(session.id), ...participants.map((p) => rooms.operator(p.userId))],
    summary,
  );
  return summary;
}

/**
 * A session was offered: its timeline entry, the offers and (unless it is a conference's, which leaves the session
 * as it was) its new state are announced from its view, and the channel is told. `offers` are the `offer.created`
 * payloads without the view.
 */
export async function announceOffered(
  tx: Executor,
  deps: { channels: ChannelRegistry; now: () => Date },
  session: SessionRow,
  entry: TimelineRow,
  offers: Array<{ userId: string; offer: Omit<OfferSummary, 'session'> }>,
  changed: boolean,
  /** The session's view as the offers left it, read by the caller. */
  view: SessionView,
): Promise<void> {
  const sessionRooms = roomsOfView(session, view);
  await recordEvents(tx, session.tenantId, [
    { name: 'session.timeline', rooms: sessionRooms, payload: timelinePayload(entry) },
    ...offers.map(({ userId, offer }) => ({
      name: 'offer.created' as const,
      rooms: [rooms.operator(userId)],
      payload: { ...offer, session: view },
    })),
    ...(changed
      ? [{ name: 'session.changed' as const, rooms: sessionRooms, payload: { session: view } }]
      : []),
  ]);
  if (changed) await tellChannel(tx, deps, session, view);
}

/**
 * A customer's message joined an open session: the session's view (which lists its operators) addresses both the
 * message and the session's new state. The view is read when the transaction's work is done, once for all the
 * messages stored together. The channel is not told: who is there did not change.
 */
export async function announceCustomerMessage(
  tx: Executor,
  deps: ComposerDeps,
  session: SessionRow,
  message: MessageRow,
): Promise<void> {
  const summary = await messageSummary(tx, message);
  await recordEventsOfView(tx, session.tenantId, {
    id: session.id,
    load: viewsLoader(deps),
    build: (view: SessionView) => {
      const operatorRooms = view.participants.map((p) => rooms.operator(p.userId));
      return [
        { name: 'message.created', rooms: [rooms.session(session.id), ...operatorRooms], payload: summary },
        {
          name: 'session.changed',
          rooms: [
            ...(session.groupId ? [rooms.group(session.groupId)] : []),
            rooms.session(session.id),
            ...operatorRooms,
          ],
          payload: { session: view },
        },
      ];
    },
  });
}

/**
 * A session's new state after an operator's message: its view is read when the transaction's work is done, once
 * for every session of the messages stored together. The channel is not told: who is there did not change.
 */
export async function announceSessionAfterReply(
  tx: Executor,
  deps: ComposerDeps,
  session: SessionRow,
): Promise<void> {
  await recordEventsOfView(tx, session.tenantId, {
    id: session.id,
    load: viewsLoader(deps),
    build: (view: SessionView) => [
      { name: 'session.changed', rooms: roomsOfView(session, view), payload: { session: view } },
    ],
  });
}

const loaders = new WeakMap<ComposerDeps, EventsOfView<SessionView>['load']>();

/** Reads views with the composer's state; one loader per engine, so that views read at once share a statement. */
function viewsLoader(deps: ComposerDeps): EventsOfView<SessionView>['load'] {
  let load = loaders.get(deps);
  if (!load) {
    load = async (tx, tenantId, ids) =>
      new Map((await sessionViews(tx, tenantId, ids, deps)).map((view) => [view.id, view]));
    loaders.set(deps, load);
  }
  return load;
}

/**
 * A customer's first message opened a session: its timeline's first entry, the message and the session's state,
 * from its view read when the transaction's work is done (once for all the sessions opened together). The channel
 * is told at once: a new session has no operators yet.
 */
export async function announceNewSession(
  tx: Executor,
  deps: ComposerDeps,
  session: SessionRow,
  created: TimelineRow,
  message: MessageRow,
): Promise<void> {
  const summary = await messageSummary(tx, message);
  const sessionRoom = [rooms.session(session.id)];
  const groupRooms = [...(session.groupId ? [rooms.group(session.groupId)] : []), ...sessionRoom];
  await recordEventsOfView(tx, session.tenantId, {
    id: session.id,
    load: viewsLoader(deps),
    build: (view: SessionView) => [
      { name: 'session.timeline', rooms: groupRooms, payload: timelinePayload(created) },
      { name: 'message.created', rooms: sessionRoom, payload: summary },
      { name: 'session.changed', rooms: roomsOfView(session, view), payload: { session: view } },
    ],
  });
  await tellChannel(tx, deps, session, { state: session.state, participants: [] });
}
