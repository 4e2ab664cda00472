import type { VisitorMessage } from '@switchboard/server/events';

const RANK: Record<string, number> = { sending: 0, error: 0, received: 1, sent: 1, delivered: 2, read: 3 };

/** Of two views of one message, the one further along: a status only moves forward, whatever order they came in. */
function newer(a: VisitorMessage, b: VisitorMessage): VisitorMessage {
  const kept = (RANK[b.status] ?? 0) >= (RANK[a.status] ?? 0) ? b : a;
  return { ...kept, clientMessageId: a.clientMessageId ?? b.clientMessageId };
}

/**
 * The chat's messages by server id, in the server's order. The snapshot after a reload, replayed events and live
 * events may overlap in any way: each message is kept once, at its furthest status.
 */
export function createMessageList() {
  let order: string[] = [];
  const byId = new Map<string, VisitorMessage>();
  return {
    all: (): VisitorMessage[] => order.map((id) => byId.get(id)!),
    has: (id: string) => byId.has(id),
    /** True when a server message carries this client id (so its queued copy is not shown twice). */
    hasClientId: (clientMessageId: string) =>
      order.some((id) => byId.get(id)!.clientMessageId === clientMessageId),
    upsert(message: VisitorMessage) {
      const existing = byId.get(message.id);
      if (existing) {
        byId.set(message.id, newer(existing, message));
      } else {
        byId.set(message.id, message);
        order.push(message.id);
      }
    },
    /** The server's whole list: its order wins; messages it did not have yet (newer events) stay after it. */
    replace(messages: VisitorMessage[]) {
      const later = order.filter((id) => !messages.some((m) => m.id === id));
      for (const message of messages) {
        const existing = byId.get(message.id);
        byId.set(message.id, existing ? newer(existing, message) : message);
      }
      order = [...messages.map((m) => m.id), ...later];
    },
    clear() {
      order = [];
      byId.clear();
    },
  };
}
