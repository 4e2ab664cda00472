import type { VisitorMessage } from '@switchboard/server/events';
import type { WidgetApi } from './api';

/**
 * The operator's messages reached the widget (delivered) and, when the panel is in view, were read: reported
 * once per latest message, and again if the report failed.
 */
export function createReceipts(api: WidgetApi) {
  let deliveredUpTo: string | null = null;
  let readUpTo: string | null = null;
  return {
    send(messages: VisitorMessage[], visible: boolean) {
      const last = messages.filter((m) => m.authorKind === 'operator').at(-1);
      if (!last || last.status === 'read') return;
      const id = last.id;
      if (visible) {
        if (readUpTo === id) return;
        readUpTo = id;
        api.receipt('read', id).catch(() => {
          readUpTo = null;
        });
      } else if (deliveredUpTo !== id && last.status === 'sent') {
        deliveredUpTo = id;
        api.receipt('delivered', id).catch(() => {
          deliveredUpTo = null;
        });
      }
    },
    reset() {
      deliveredUpTo = readUpTo = null;
    },
  };
}
