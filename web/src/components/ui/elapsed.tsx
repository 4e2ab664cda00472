import { formatElapsed, useNow } from '../../lib/use-now';

/** A live timer since a moment. */
export function Elapsed({ since, label }: { since: string; label?: string }) {
  const now = useNow();
  return (
    <time className="elapsed" dateTime={since} aria-label={label} data-testid="elapsed">
      {formatElapsed(now - new Date(since).getTime())}
    </time>
  );
}
