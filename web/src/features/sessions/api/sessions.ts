import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import { emitAck } from '../../../lib/socket';
import type { Composer, FileInfo, Message, Session } from '../../../lib/types';

export interface SessionDetail {
  session: Session;
  composer: Composer;
}

export interface TransferTargets {
  groups: Array<{ id: string; name: string; waiting: number; available: number }>;
  operators: Array<{
    id: string;
    name: string;
    presence: string;
    load: number;
    capacity: number;
    groupIds: string[];
  }>;
}

export interface Tag {
  id: string;
  name: string;
  color: string | null;
}

/** The sessions the operator takes part in now. */
export function useMySessions() {
  return useQuery({
    queryKey: keys.mySessions,
    queryFn: async () =>
      (await api<{ items: Session[] }>('GET', '/sessions?mine=true&state=active&limit=200')).items,
  });
}

export function useSessionDetail(id: string) {
  return useQuery({
    queryKey: keys.session(id),
    queryFn: () => api<SessionDetail>('GET', `/sessions/${id}`),
  });
}

export function useMessages(id: string) {
  return useQuery({
    queryKey: keys.messages(id),
    queryFn: async () => (await api<{ items: Message[] }>('GET', `/sessions/${id}/messages`)).items,
  });
}

/** Opening a session reads it: its unread count drops to 0 at once (the read receipt tells the server). */
export function useClearUnread() {
  const client = useQueryClient();
  return (id: string) =>
    client.setQueryData<Session[]>(keys.mySessions, (list) =>
      list?.map((s) => (s.id === id ? { ...s, unreadCount: 0 } : s)),
    );
}

export function useTyping(id: string) {
  return (
    useQuery<boolean>({ queryKey: keys.typing(id), queryFn: () => false, staleTime: Infinity }).data ?? false
  );
}

export function useTemplates() {
  return useQuery({
    queryKey: ['templates'],
    queryFn: async () =>
      (await api<{ items: Array<{ id: string; name: string; body: string }> }>('GET', '/templates')).items,
  });
}

export async function renderTemplate(templateId: string, sessionId: string): Promise<string> {
  return (await api<{ text: string }>('POST', `/templates/${templateId}/render`, { sessionId })).text;
}

export function useTags() {
  return useQuery({
    queryKey: ['tags'],
    queryFn: async () => (await api<{ items: Tag[] }>('GET', '/tags')).items,
  });
}

export function useWrapupReasons(q: string) {
  return useQuery({
    queryKey: ['wrapup-reasons', q],
    queryFn: async () =>
      (
        await api<{ items: Array<{ id: string; name: string }> }>(
          'GET',
          `/wrapup-reasons${q ? `?q=${encodeURIComponent(q)}` : ''}`,
        )
      ).items,
    placeholderData: (previous) => previous,
  });
}

export function useTransferTargets(id: string) {
  return useQuery({
    queryKey: ['transfer-targets', id],
    queryFn: () => api<TransferTargets>('GET', `/sessions/${id}/transfer-targets`),
    staleTime: 0,
  });
}

/** Takes a failed message out of the timeline before it is sent again. */
export function useDropMessage(sessionId: string) {
  const client = useQueryClient();
  return (id: string) =>
    client.setQueryData<Message[]>(keys.messages(sessionId), (list) => list?.filter((m) => m.id !== id));
}

/** Drops a session the operator no longer takes part in from the list. */
export function useLeaveSession() {
  const client = useQueryClient();
  return (id: string) =>
    client.setQueryData<Session[]>(keys.mySessions, (list) => list?.filter((s) => s.id !== id));
}

export const sessionActions = {
  transfer: (id: string, target: { groupId: string } | { userId: string }) =>
    api<Session>('POST', `/sessions/${id}/transfer`, target),
  invite: (id: string, userId: string) => api<Session>('POST', `/sessions/${id}/conference`, { userId }),
  endConference: (id: string) => api<Session>('POST', `/sessions/${id}/conference/end`),
  exitConference: (id: string) => api<Session>('POST', `/sessions/${id}/conference/exit`),
  setTags: (id: string, tagIds: string[]) => api<{ items: Tag[] }>('PUT', `/sessions/${id}/tags`, { tagIds }),
  end: (id: string, body: { wrapupReasonId?: string; note?: string; tagIds?: string[] }) =>
    api<Session>('POST', `/sessions/${id}/end`, body),
};

let localCounter = 0;

/**
 * Sends over the socket. The message shows at once as "sending"; the ack (or the `message.created` event,
 * whichever comes first) puts the stored message in its place.
 */
export function useSendMessage(sessionId: string, author: { userId: string; name: string }) {
  const client = useQueryClient();
  return async (text: string, quotedMessageId?: string, files: FileInfo[] = []) => {
    const clientMessageId = `${Date.now().toString(36)}-${++localCounter}-${Math.random().toString(36).slice(2, 8)}`;
    const localId = `local-${clientMessageId}`;
    const local: Message = {
      id: localId,
      sessionId,
      clientMessageId,
      direction: 'out',
      authorKind: 'operator',
      author,
      text: text.trim() ? text : null,
      quotedMessageId: quotedMessageId ?? null,
      status: 'sending',
      errorCode: null,
      errorReason: null,
      createdAt: new Date().toISOString(),
      metadata: files.length
        ? { attachments: files.map((f) => ({ fileId: f.id, name: f.name, status: f.status })) }
        : {},
    };
    const update = (fn: (list: Message[]) => Message[]) =>
      client.setQueryData<Message[]>(keys.messages(sessionId), (list) => fn(list ?? []));
    update((list) => [...list, local]);
    try {
      // REST rather than the socket's `message.send`: the server's socket schema refuses every payload today.
      const sent = await api<Message>('POST', `/sessions/${sessionId}/messages`, {
        text,
        clientMessageId,
        ...(files.length ? { fileIds: files.map((f) => f.id) } : {}),
        ...(quotedMessageId ? { quotedMessageId } : {}),
      });
      update((list) => {
        const rest = list.filter((m) => m.id !== localId);
        return rest.some((m) => m.id === sent.id) ? rest : [...rest, sent];
      });
    } catch (e) {
      const { code, message } = e as { code?: string; message: string };
      update((list) =>
        list.map((m) =>
          m.id === localId
            ? { ...m, status: 'error', errorCode: code ?? 'internal', errorReason: message }
            : m,
        ),
      );
    }
  };
}

/** Puts a message the server returned (retry, reaction) in the timeline at once; the event does the same. */
function useUpsertMessage(sessionId: string) {
  const client = useQueryClient();
  return (message: Message | null) => {
    // The reply may be the message or only an acknowledgement; the `message.updated` event follows either way.
    if (!message || typeof message !== 'object' || message.sessionId !== sessionId) return;
    client.setQueryData<Message[]>(keys.messages(sessionId), (list) =>
      list?.map((m) => (m.id === message.id ? message : m)),
    );
  };
}

/** Sends a failed operator message again (the server keeps it, with its place in the timeline). */
export function useRetryMessage(sessionId: string) {
  const upsert = useUpsertMessage(sessionId);
  return async (messageId: string) =>
    upsert(await api<Message | null>('POST', `/sessions/${sessionId}/messages/${messageId}/retry`));
}

/** The operator's reaction to a customer's message; `null` takes it back. */
export function useReactToMessage(sessionId: string) {
  const upsert = useUpsertMessage(sessionId);
  return async (messageId: string, emoji: string | null) =>
    upsert(
      await api<Message | null>('POST', `/sessions/${sessionId}/messages/${messageId}/reaction`, { emoji }),
    );
}

/** Tells the server the operator has seen the customer's messages up to this one. */
export async function markRead(sessionId: string, upToMessageId: string): Promise<void> {
  await emitAck('session.read', { sessionId, upToMessageId });
}

export async function sendTyping(sessionId: string, typing: boolean): Promise<void> {
  await emitAck('session.typing', { sessionId, typing }).catch(() => undefined);
}
