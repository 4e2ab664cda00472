import { automatedAllowed, windowInputOf } from '../channels/channel-adapter.js';
import type { Executor } from '../db/database.js';
import { DEFAULT_END_MESSAGE, readTenantSettings } from '../tenants/read-tenant-settings.js';
import { announceMessage } from './announce.js';
import { deliverMessage } from './deliver-message.js';
import type { EngineDeps } from './engine-deps.js';
import { insertMessage, type SessionRow } from './sessions.repo.js';

/** What the customer is told at each step. The tenant sets the end text (`settings.endMessage`). */
const TEXTS = {
  transfer_started: () => 'You are being transferred to a colleague. Please wait a moment.',
  transfer_returned: () => 'Please wait, the next available operator will be with you shortly.',
  operator_joined: (vars: Record<string, string>) => `${vars.name} joined the conversation.`,
  operator_left: (vars: Record<string, string>) => `${vars.name} left the conversation.`,
  session_ended: () => DEFAULT_END_MESSAGE,
  auto_end_warning: (vars: Record<string, string>) =>
    `This conversation will close in ${vars.minutes} minutes unless you reply.`,
  offline: (vars: Record<string, string>) =>
    vars.text ?? 'We are offline now. We will reply as soon as we are back.',
};

export type SystemText = keyof typeof TEXTS;

/**
 * Sends a system message to the customer (and shows it to the operators), through the session's channel. Nothing
 * is sent when the channel lets no automatic message through now (outside WhatsApp's 24-hour window, Messenger's
 * HUMAN_AGENT days): Meta would refuse it, or count it against the Page's policy.
 */
export async function sendSystemMessage(
  tx: Executor,
  deps: Pick<EngineDeps, 'channels' | 'outbox' | 'now'>,
  session: SessionRow,
  key: SystemText,
  vars: Record<string, string> = {},
) {
  if (!automatedAllowed(deps.channels.get(session.channel), windowInputOf(session, deps.now())))
    return undefined;
  let text = TEXTS[key](vars);
  if (key === 'session_ended') {
    // The tenant's own end text; none at all when the tenant cleared it.
    const { endMessage } = await readTenantSettings(tx, session.tenantId);
    if (endMessage === null || !endMessage.trim()) return undefined;
    text = endMessage;
  }
  const message = await insertMessage(tx, {
    tenantId: session.tenantId,
    sessionId: session.id,
    channelAccountId: session.channelAccountId,
    direction: 'out',
    authorKind: 'system',
    text,
    status: 'sending',
    // The key and its values, so a workspace in another language can show its own text.
    metadata: { systemText: key, systemVars: vars },
    createdAt: deps.now(),
  });
  const delivered = await deliverMessage(tx, deps, session, message);
  await announceMessage(tx, session, delivered);
  return delivered;
}
