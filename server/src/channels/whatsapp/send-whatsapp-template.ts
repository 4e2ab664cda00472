import type { Actor } from '../../auth/actor.js';
import { AppError } from '../../http/app-error.js';
import { announceMessage, announceSession, messageSummary } from '../../sessions/announce.js';
import { deliverMessage } from '../../sessions/deliver-message.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { lockVisibleSession, requireParticipant, requireState } from '../../sessions/session-guards.js';
import { insertMessageOnce, updateSession } from '../../sessions/sessions.repo.js';
import { findTemplate } from './whatsapp-templates.repo.js';

export interface SendTemplateInput {
  name: string;
  language: string;
  /** Values of the body's {{1}}, {{2}}… in order. */
  parameters: string[];
  clientMessageId?: string | undefined;
}

interface Component {
  type?: string;
  format?: string;
  text?: string;
}

const variablesOf = (text: string) => new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));

/**
 * An approved WhatsApp template sent in a session: the only message Meta allows outside the 24-hour window.
 * The message's text is the rendered body (what the customer sees); the template travels in its metadata to
 * the outbox, which sends it as a template.
 */
export async function sendWhatsAppTemplate(
  deps: EngineDeps,
  actor: Actor,
  sessionId: string,
  input: SendTemplateInput,
) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Messages are sent by operators');
  return deps.database.db.transaction(async (tx) => {
    const session = await lockVisibleSession(tx, actor, sessionId);
    requireState(session, 'active');
    await requireParticipant(tx, actor, session);
    if (session.channel !== 'whatsapp')
      throw new AppError('unprocessable', 'WhatsApp templates are sent in WhatsApp sessions only');
    const template = await findTemplate(tx, session.channelAccountId, input.name, input.language);
    if (!template || template.status !== 'APPROVED')
      throw new AppError('unprocessable', 'No approved WhatsApp template with that name and language');
    const components = template.components as Component[];
    if (components.some((c) => c.type === 'HEADER' && c.format && c.format !== 'TEXT'))
      throw new AppError('unprocessable', 'Templates with a media header cannot be sent yet');
    if (components.some((c) => c.type === 'HEADER' && c.text && variablesOf(c.text).size > 0))
      throw new AppError('unprocessable', 'Templates with a header parameter cannot be sent yet');
    const body = components.find((c) => c.type === 'BODY')?.text ?? '';
    const expected = variablesOf(body).size;
    if (input.parameters.length !== expected)
      throw new AppError('validation_failed', `The template takes ${expected} parameters`, {
        expected,
        given: input.parameters.length,
      });
    const text = body.replace(
      /\{\{\s*(\d+)\s*\}\}/g,
      (all, n: string) => input.parameters[Number(n) - 1] ?? all,
    );
    const now = deps.now();
    const { message, created } = await insertMessageOnce(tx, {
      tenantId: session.tenantId,
      sessionId: session.id,
      channelAccountId: session.channelAccountId,
      direction: 'out',
      authorKind: 'operator',
      authorUserId: actor.id,
      text,
      clientMessageId: input.clientMessageId ?? null,
      status: 'sending',
      metadata: {
        template: {
          name: template.name,
          language: template.language,
          components: expected
            ? [{ type: 'body', parameters: input.parameters.map((value) => ({ type: 'text', text: value })) }]
            : [],
        },
      },
      createdAt: now,
    });
    if (!created) return messageSummary(tx, message);
    const delivered = await deliverMessage(tx, deps, session, message);
    const updated = await updateSession(tx, session.id, { lastMessageAt: now });
    await announceMessage(tx, updated, delivered);
    await announceSession(tx, deps, updated);
    return messageSummary(tx, delivered);
  });
}
