import { asc, eq } from 'drizzle-orm';
import type { Database } from '../src/db/database.js';
import { messages } from '../src/db/schema.js';
import type { InboundInput, InboundResult } from '../src/sessions/receive-inbound.js';
import type { EngineFixture } from './engine-setup.js';

/** A web chat message of `visitor`, as the widget's channel hands it to the engine. */
export function message(
  fixture: EngineFixture,
  visitor: string,
  id: string,
  overrides: Partial<InboundInput> = {},
) {
  return {
    tenantId: fixture.tenant.id,
    channel: 'webchat',
    channelAccountId: fixture.channelAccountId,
    customer: { identities: [{ kind: 'webchat_visitor', value: visitor }] },
    event: { kind: 'message', channelMessageId: id, text: `text of ${id}`, sentAt: new Date() },
    ...overrides,
  } satisfies InboundInput;
}

/** What a stored event's result says of its session and message, or how it settled otherwise. */
export const stored = (result: PromiseSettledResult<InboundResult>) =>
  result.status === 'fulfilled' && 'session' in result.value
    ? { outcome: result.value.outcome, sessionId: result.value.session.id, text: result.value.message.text }
    : result.status;

/** The texts of a session's messages, in their order. */
export async function messageTexts(database: Database, sessionId: string) {
  return (
    await database.db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.sessionId, sessionId))
      .orderBy(asc(messages.position))
  ).map((m) => m.text);
}
