import type { Actor } from '../../auth/actor.js';
import { AppError } from '../../http/app-error.js';
import { announceMessage, announceSession, messageSummary } from '../../sessions/announce.js';
import { deliverMessage } from '../../sessions/deliver-message.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { lockVisibleSession, requireParticipant, requireState } from '../../sessions/session-guards.js';
import { insertMessageOnce, updateSession } from '../../sessions/sessions.repo.js';
import { windowInputOf } from '../channel-adapter.js';
import type { Executor } from '../../db/database.js';
import { findTemplate } from './whatsapp-templates.repo.js';

export interface SendTemplateInput {
  name: string;
  language: string;
  /** Values of the body's {{1}}, {{2}}… in order. */
  parameters: string[];
  clientMessageId?: string | undefined;
}

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
    const adapter = deps.channels.get(session.channel);
    const composer = adapter.composerState(windowInputOf(session, deps.now()));
    if (composer.lockedUntilReply)
      throw new AppError('window_closed', composer.reason ?? 'Waiting for the customer’s reply', {
        otherwise: composer.otherwise,
      });
    const { template, text, components } = await prepareTemplate(tx, session.channelAccountId, input);
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
      metadata: { template: { name: template.name, language: template.language, components } },
      createdAt: now,
    });
    if (!created) return messageSummary(tx, message);
    const delivered = await deliverMessage(tx, deps, session, message);
    // A template sent when free text was not allowed opens the conversation again: nothing more until the
    // customer answers it (seed 001; a resumed session past 24 hours too).
    const updated = await updateSession(tx, session.id, {
      lastMessageAt: now,
      ...(composer.freeText ? {} : { lockedUntilReply: true }),
    });
    await announceMessage(tx, updated, delivered);
    await announceSession(tx, deps, updated);
    return messageSummary(tx, delivered);
  });
}

interface Component {
  type?: string;
  format?: string;
  text?: string;
}

const variablesOf = (text: string) => new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));

/**
 * Checks a template for sending: approved on this number, no media or variable header (not supported yet), one
 * value per body variable. Answers the text the customer will read (the body with its values) and the
 * components Meta takes. Refusals have stable codes: `template_not_approved`, `template_parameters`.
 */
export async function prepareTemplate(
  db: Executor,
  channelAccountId: string,
  input: { name: string; language: string; parameters: string[] },
) {
  const template = await findTemplate(db, channelAccountId, input.name, input.language);
  if (!template || template.status !== 'APPROVED')
    throw new AppError('template_not_approved', 'No approved WhatsApp template with that name and language', {
      name: input.name,
      language: input.language,
    });
  const components = template.components as Component[];
  if (components.some((c) => c.type === 'HEADER' && c.format && c.format !== 'TEXT'))
    throw new AppError('template_not_approved', 'Templates with a media header cannot be sent yet');
  if (components.some((c) => c.type === 'HEADER' && c.text && variablesOf(c.text).size > 0))
    throw new AppError('template_not_approved', 'Templates with a header parameter cannot be sent yet');
  const body = components.find((c) => c.type === 'BODY')?.text ?? '';
  const expected = variablesOf(body).size;
  if (input.parameters.length !== expected)
    throw new AppError('template_parameters', `The template takes ${expected} parameters`, {
      expected,
      given: input.parameters.length,
    });
  const text = body.replace(
    /\{\{\s*(\d+)\s*\}\}/g,
    (all, n: string) => input.parameters[Number(n) - 1] ?? all,
  );
  return {
    template,
    text,
    components: expected
      ? [{ type: 'body', parameters: input.parameters.map((value) => ({ type: 'text', text: value })) }]
      : [],
  };
}
