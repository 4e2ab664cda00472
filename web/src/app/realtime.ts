import type { QueryClient } from '@tanstack/react-query';
import type { EventEnvelope, ServerEventMap } from '@switchboard/server/events';
import { fileKeys } from '../features/files/api/files';
import type { SessionDetail } from '../features/sessions/api/sessions';
import { keys } from '../lib/query-keys';
import { attachmentsOf, type Message, type Offer, type OperatorRow, type Session } from '../lib/types';

const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Applies one realtime event to the query cache, so every view follows without refetching. `openSessionId`
 * tells which session the operator is looking at (its messages do not count as unread).
 */
export function applyEvent(
  client: QueryClient,
  event: EventEnvelope,
  context: { meId: string; openSessionId: string | null },
): void {
  const on = <N extends keyof ServerEventMap>(name: N, fn: (payload: ServerEventMap[N]) => void) => {
    if (event.name === name) fn(event.payload as ServerEventMap[N]);
  };

  on('offer.created', (offer) => {
    client.setQueryData<Offer[]>(keys.offers, (list) =>
      list ? [...list.filter((o) => o.id !== offer.id), offer] : list,
    );
    if (!client.getQueryData(keys.offers)) void client.invalidateQueries({ queryKey: keys.offers });
  });
  on('offer.closed', ({ offerId }) =>
    client.setQueryData<Offer[]>(keys.offers, (list) => list?.filter((o) => o.id !== offerId)),
  );

  on('session.changed', ({ session: changed }) => {
    // The open, visible session is being read: its count stays at 0 (the read receipt follows).
    const session =
      changed.id === context.openSessionId && document.visibilityState === 'visible'
        ? { ...changed, unreadCount: 0 }
        : changed;
    const mine = session.state === 'active' && session.participants.some((p) => p.userId === context.meId);
    client.setQueryData<Session[]>(keys.mySessions, (list) => {
      if (!list) return list;
      const rest = list.filter((s) => s.id !== session.id);
      if (!mine) return rest;
      const index = list.findIndex((s) => s.id === session.id);
      if (index === -1) return [...rest, session];
      const copy = [...list];
      copy[index] = session;
      return copy;
    });
    // What the composer may send depends on the session (customer replies, the window's end, a lock): the server
    // computes it and the event carries it, so an operator's open session is not read again at every message.
    client.setQueryData<SessionDetail>(keys.session(session.id), (detail) =>
      detail ? { ...detail, session, composer: session.composer ?? detail.composer } : detail,
    );
    if (session.state === 'ended')
      void client.invalidateQueries({ queryKey: keys.contactSessions(session.contact.id) });
    if (!mine) client.removeQueries({ queryKey: keys.session(session.id) });
    else if (!session.composer) void client.invalidateQueries({ queryKey: keys.session(session.id) });
    client.setQueryData<Offer[]>(keys.offers, (list) =>
      list?.map((o) => (o.sessionId === session.id ? { ...o, session } : o)),
    );
  });

  on('session.tags.changed', ({ sessionId, tags }) =>
    client.setQueryData<{ session: Session }>(keys.session(sessionId), (detail) =>
      detail ? { ...detail, session: { ...detail.session, tagIds: tags.map((t) => t.id) } } : detail,
    ),
  );

  const upsertMessage = (message: Message) => {
    // A message with files: Session Files and the files themselves may have changed (fetched, blocked).
    const attachments = attachmentsOf(message);
    if (attachments.length) {
      void client.invalidateQueries({ queryKey: fileKeys.sessionFiles(message.sessionId) });
      for (const a of attachments)
        if (a.fileId) void client.invalidateQueries({ queryKey: fileKeys.file(a.fileId) });
    }
    client.setQueryData<Message[]>(keys.messages(message.sessionId), (current) => {
      if (!current) return current;
      // The stored message replaces the composer's optimistic copy, whichever of event and reply comes first.
      const list = message.clientMessageId
        ? current.filter((m) => m.id !== `local-${message.clientMessageId}`)
        : current;
      const index = list.findIndex((m) => m.id === message.id);
      if (index === -1) return [...list, message];
      const copy = [...list];
      copy[index] = message;
      return copy;
    });
  };
  on('message.created', (message) => {
    upsertMessage(message);
    if (message.direction !== 'internal')
      client.setQueryData<Session[]>(keys.mySessions, (list) =>
        list?.map((s) =>
          s.id === message.sessionId
            ? {
                ...s,
                lastMessage: {
                  text: message.text,
                  authorKind: message.authorKind,
                  at: message.createdAt,
                  systemText: systemKey(message.metadata.systemText),
                  systemVars: (message.metadata.systemVars ?? null) as Record<string, string> | null,
                },
              }
            : s,
        ),
      );
    if (message.direction === 'in') {
      client.setQueryData<boolean>(keys.typing(message.sessionId), false);
      // The server counts it too (the next `session.changed` carries its count); this shows it at once.
      if (message.sessionId !== context.openSessionId || document.visibilityState !== 'visible')
        client.setQueryData<Session[]>(keys.mySessions, (list) =>
          list?.map((s) =>
            s.id === message.sessionId ? { ...s, unreadCount: Math.max(s.unreadCount, 0) + 1 } : s,
          ),
        );
    }
  });
  on('message.updated', upsertMessage);

  on('presence.changed', ({ userId, status, awayReason }) =>
    client.setQueryData<OperatorRow[]>(keys.operators, (list) =>
      list?.map((o) => (o.id === userId ? { ...o, presence: status, awayReason } : o)),
    ),
  );
  on('operator.changed', () => void client.invalidateQueries({ queryKey: keys.operators }));
  on(
    'contact.changed',
    ({ contactId }) => void client.invalidateQueries({ queryKey: keys.contact(contactId) }),
  );
  on('tenant.settings.changed', (settings) => client.setQueryData(keys.tenantSettings, settings));
}

const systemKey = (value: unknown) => (typeof value === 'string' ? value : null);

/** The customer's typing signal; it clears itself if the "stopped" signal never comes. */
export function applyEphemeral(client: QueryClient, signal: { name: string; payload: unknown }): void {
  if (signal.name !== 'typing') return;
  const { sessionId, who, typing } = signal.payload as { sessionId: string; who: string; typing: boolean };
  if (who !== 'customer') return;
  client.setQueryData<boolean>(keys.typing(sessionId), typing);
  clearTimeout(typingTimers.get(sessionId));
  if (typing)
    typingTimers.set(
      sessionId,
      setTimeout(() => client.setQueryData<boolean>(keys.typing(sessionId), false), 8000),
    );
}
