import type { VisitorFile } from '@switchboard/server/events';
import type { FileLink, WidgetApi } from './api';

/** Links are asked for again this long before they expire. */
const MARGIN_MS = 60_000;

/**
 * Short-lived signed links to the chat's files, asked for in batches when a file is shown and again before
 * they run out (or when a thumbnail has appeared since). `changed` re-renders once new links arrive.
 */
export function createFileLinks(api: WidgetApi, changed: () => void) {
  const links = new Map<string, FileLink>();
  const wanted = new Set<string>();
  let scheduled = false;

  const fresh = (file: VisitorFile, link: FileLink | undefined) =>
    !!link &&
    new Date(link.expiresAt).getTime() - Date.now() > MARGIN_MS &&
    (!file.thumbnail || !!link.thumbnailUrl);

  async function fetchWanted() {
    scheduled = false;
    const ids = [...wanted].slice(0, 50);
    ids.forEach((id) => wanted.delete(id));
    if (ids.length === 0) return;
    try {
      const reply = await api.fileLinks(ids);
      for (const link of reply.items) links.set(link.fileId, link);
      changed();
    } catch {
      // Shown without a link for now; the next render asks again.
    }
    if (wanted.size) void fetchWanted();
  }

  return {
    /** The file's link if one is fresh; otherwise asks for one (after this render) and returns what there is. */
    get(file: VisitorFile): FileLink | undefined {
      const link = links.get(file.id);
      if (file.status === 'stored' && !fresh(file, link)) {
        wanted.add(file.id);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(() => void fetchWanted());
        }
      }
      return link;
    },
    /** The earliest expiry of a link held, to refresh the view before it. */
    nextExpiry(): number | undefined {
      const times = [...links.values()].map((l) => new Date(l.expiresAt).getTime());
      return times.length ? Math.min(...times) : undefined;
    },
  };
}
