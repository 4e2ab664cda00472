import type { IncomingMessage } from 'node:http';

/**
 * A refused upload is answered before its body has all arrived. The rest is read and dropped first, so the
 * connection stays usable for the next request; a sender that goes on for longer than `ms` is disconnected
 * after the answer. Resolves whether the request was read to its end.
 */
export async function finishReading(raw: IncomingMessage, ms: number): Promise<boolean> {
  if (raw.complete) return true;
  raw.unpipe();
  raw.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    raw.once('end', () => {
      clearTimeout(timer);
      resolve(true);
    });
    raw.once('close', () => {
      clearTimeout(timer);
      resolve(raw.complete);
    });
  });
}
