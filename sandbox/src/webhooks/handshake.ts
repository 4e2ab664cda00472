import { newChallenge } from '../ids.js';

export interface HandshakeResult {
  url: string;
  ok: boolean;
  status?: number;
  body?: string;
  error?: string;
}

/**
 * Performs Meta's subscription handshake against a callback URL:
 * `GET ?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<token>`, which must answer 200 with the challenge.
 */
export async function verifySubscription(url: string, verifyToken: string): Promise<HandshakeResult> {
  const challenge = newChallenge();
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    return { url, ok: response.status === 200 && body === challenge, status: response.status, body };
  } catch (error) {
    return { url, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
