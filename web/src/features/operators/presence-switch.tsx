import { useState } from 'react';
import type { AppSocket } from '../../lib/socket';

type Choice = 'available' | 'away' | 'offline';

/** The operator's own presence, set over the socket. */
export function PresenceSwitch({ socket, current }: { socket: AppSocket | null; current: string }) {
  const [error, setError] = useState<string | null>(null);

  async function choose(status: Choice) {
    if (!socket) return;
    const awayReason = status === 'away' ? (window.prompt('Reason (optional)') ?? undefined) : undefined;
    const result = await socket.emitWithAck('presence.set', {
      status,
      ...(awayReason ? { awayReason } : {}),
    });
    setError(result.ok ? null : result.error.message);
  }

  return (
    <div className="presence-switch" role="group" aria-label="Your presence">
      {(['available', 'away', 'offline'] as const).map((status) => (
        <button
          key={status}
          type="button"
          aria-pressed={current === status}
          onClick={() => void choose(status)}
        >
          <span className={`dot ${status}`} aria-hidden="true" /> {status}
        </button>
      ))}
      {error && <span role="alert">{error}</span>}
    </div>
  );
}
