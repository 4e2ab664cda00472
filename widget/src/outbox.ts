import { ApiError, NetworkError, type SendReply, type WidgetApi } from './api';
import { currentPageUrl, newClientMessageId, type createStorage, type Outgoing } from './storage';
import { describe } from './ui-parts';

/**
 * Messages typed in the widget wait in a queue (kept in localStorage) until the server confirms them. Each keeps
 * its client id, so sending again after a lost answer stores it once; one leaves the queue only when the server
 * confirmed or refused it for good. Offline or on a server error the queue is tried again later.
 */
export function createOutbox(
  api: WidgetApi,
  storage: ReturnType<typeof createStorage>,
  on: {
    sent: (reply: SendReply) => void;
    refused: (item: Outgoing, reason: string) => void;
    changed: () => void;
  },
) {
  let flushing = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  async function flush() {
    if (flushing || !storage.get().token) return;
    flushing = true;
    clearTimeout(retryTimer);
    try {
      for (;;) {
        const next = storage.get().outbox?.[0];
        if (!next) break;
        try {
          on.sent(await api.send(next));
        } catch (error) {
          if (error instanceof NetworkError || (error instanceof ApiError && error.retryable)) {
            retryTimer = setTimeout(() => void flush(), 5000);
            break;
          }
          on.refused(next, describe(error));
        }
        storage.update({
          outbox: (storage.get().outbox ?? []).filter((o) => o.clientMessageId !== next.clientMessageId),
        });
        on.changed();
      }
    } finally {
      flushing = false;
      on.changed();
    }
  }

  return {
    flush,
    queued: (): Outgoing[] => storage.get().outbox ?? [],
    add(text: string) {
      const pageUrl = currentPageUrl();
      const outgoing: Outgoing = {
        clientMessageId: newClientMessageId(),
        text,
        ...(pageUrl ? { pageUrl } : {}),
      };
      storage.update({ outbox: [...(storage.get().outbox ?? []), outgoing] });
      void flush();
    },
  };
}
