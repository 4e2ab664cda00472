import { call } from './factories.js';
import type { EngineFixture } from './engine-setup.js';
import type { TestApp } from './harness.js';
import { startWebchat, type WebchatCustomer } from './webchat-client.js';

/** A customer writes and Olga accepts: returns the customer (widget connected) and the active session's id. */
export async function activeChat(
  t: TestApp,
  f: EngineFixture,
  question = 'Hello',
): Promise<{ customer: WebchatCustomer; sessionId: string }> {
  await f.available('olga');
  const customer = await startWebchat(t.url, f.key, { question });
  await customer.connect();
  const offer = await f.sockets.olga!.waitFor(
    (e) => e.name === 'offer.created' && (e.payload as any).session.firstMessage === question,
  );
  const accepted = await call(t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, {
    headers: f.sessions.olga!.headers,
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return { customer, sessionId: accepted.body.id };
}
