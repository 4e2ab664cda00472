import type { RunningSandbox } from '@switchboard/sandbox/sandbox';
import type { EventEnvelope, OfferSummary } from '../../server/src/realtime/event-map.js';
import { Latencies } from './load.js';
import type { PhaseProfile } from './profile.js';
import { connectOperators, emitAck, makeAvailable, type OperatorSocket } from './operator-sockets.js';
import { OUTBOUND_NUMBER, type BenchTenant } from './seed-bench.js';

export interface OutboundResult {
  /** Active sessions the operators replied in (accepted within the time allowed) of those asked for. */
  sessions: number;
  sessionsAsked: number;
  operators: number;
  /** `message.send` calls acknowledged by the app (stored, queued in the outbox). */
  acked: number;
  /** Refused or unanswered `message.send` calls, by reason. */
  sendErrors: Map<string, number>;
  /** Graph API send calls the sandbox received and answered 200, for this phase's messages. */
  received: number;
  /** Graph API calls the sandbox answered with an error. */
  graphErrors: number;
  /** Acknowledged but not at the sandbox within the grace period. */
  undelivered: number;
  elapsedMs: number;
  msgsPerS: number;
  /** From the operator's send to the sandbox's receipt of the Graph API call. */
  toGraph: Latencies;
  /** From the operator's send to the socket acknowledgement. */
  ack: Latencies;
  /** Where the time went, when the phase was profiled. */
  profile?: PhaseProfile;
}

const REPLY_PATTERN = /^bench reply (\d+)$/;

/**
 * Opens `sessions` active WhatsApp sessions: each customer writes through the sandbox (which opens the 24-hour
 * window there), the app offers the session, and an available operator accepts it over the socket.
 */
async function openSessions(
  url: string,
  sandbox: RunningSandbox,
  tenant: BenchTenant,
  sessions: number,
  timeoutMs: number,
): Promise<{ sockets: OperatorSocket[]; owned: string[][] }> {
  const owned: string[][] = tenant.operators.map(() => []);
  let accepted = 0;
  let done: () => void = () => {};
  const allAccepted = new Promise<void>((resolve) => (done = resolve));
  const sockets: OperatorSocket[] = [];
  const onEvent = (event: EventEnvelope, index: number) => {
    if (event.name !== 'offer.created') return;
    const offer = event.payload as OfferSummary;
    emitAck<{ sessionId: string }>(sockets[index]!, 'offer.accept', { offerId: offer.id })
      .then(({ sessionId }) => {
        owned[index]!.push(sessionId);
        if (++accepted === sessions) done();
      })
      .catch(() => {
        /* another offer of the same session won, or it expired: the session is offered again */
      });
  };
  sockets.push(...(await connectOperators(url, tenant.operators, onEvent)));
  await makeAvailable(sockets);
  for (let i = 0; i < sessions; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, sessions - i) }, async (_, j) => {
        const waId = `4477${String(i + j).padStart(8, '0')}`;
        sandbox.addWhatsAppCustomer({ waId, name: `Replying customer ${i + j}` });
        await sandbox.injectWhatsApp({
          from: waId,
          phone_number_id: OUTBOUND_NUMBER.phoneNumberId,
          type: 'text',
          text: { body: 'I need help with my order' },
        });
      }),
    );
  }
  // A slow app gets the time allowed; the phase then runs on the sessions accepted so far, and says so.
  await Promise.race([allAccepted, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  return { sockets, owned };
}

/**
 * Operators reply as fast as the app takes it: each keeps `perOperator` `message.send` calls outstanding over its
 * sessions for `durationMs`. A message counts when the sandbox has received its Graph API call (the outbox sent
 * it after commit); latency runs from the send to that receipt.
 */
export async function runOutbound(options: {
  url: string;
  sandbox: RunningSandbox;
  tenant: BenchTenant;
  sessions: number;
  perOperator: number;
  durationMs: number;
  graceMs: number;
  openTimeoutMs: number;
  /** Starts profiling the app and its database once the sessions are open; what it answers stops it. */
  startProfile?: () => Promise<() => Promise<PhaseProfile>>;
}): Promise<OutboundResult> {
  const { sandbox } = options;
  const { sockets, owned } = await openSessions(
    options.url,
    sandbox,
    options.tenant,
    options.sessions,
    options.openTimeoutMs,
  );
  const result: OutboundResult = {
    sessions: owned.reduce((sum, list) => sum + list.length, 0),
    sessionsAsked: options.sessions,
    operators: sockets.length,
    acked: 0,
    sendErrors: new Map(),
    received: 0,
    graphErrors: 0,
    undelivered: 0,
    elapsedMs: 0,
    msgsPerS: 0,
    toGraph: new Latencies(),
    ack: new Latencies(),
  };
  const started = new Map<number, number>();
  const ackedIds = new Set<number>();
  let lastReceipt = 0;
  const sendPath = `/${OUTBOUND_NUMBER.phoneNumberId}/messages`;
  // The call log is read and cleared in one synchronous step, so no call slips between the two.
  const drain = () => {
    const calls = sandbox.calls({ method: 'POST', pathContains: sendPath });
    sandbox.clearCalls();
    for (const call of calls) {
      const text = (call.body as { text?: { body?: string } } | undefined)?.text?.body;
      const match = text ? REPLY_PATTERN.exec(text) : null;
      const start = match ? started.get(Number(match[1])) : undefined;
      if (start === undefined) continue;
      started.delete(Number(match![1]));
      if (call.status !== 200) {
        result.graphErrors++;
        continue;
      }
      result.received++;
      result.toGraph.record(call.at - start);
      lastReceipt = Math.max(lastReceipt, call.at);
    }
  };
  sandbox.clearCalls();
  const poller = setInterval(drain, 20);

  let next = 0;
  const stopProfile = await options.startProfile?.();
  const begin = Date.now();
  const end = begin + options.durationMs;
  const sender = async (socket: OperatorSocket, sessionIds: string[], offset: number) => {
    let turn = offset;
    while (Date.now() < end) {
      const n = next++;
      const sessionId = sessionIds[turn++ % sessionIds.length]!;
      const start = Date.now();
      started.set(n, start);
      try {
        await emitAck(socket, 'message.send', { sessionId, text: `bench reply ${n}` });
        result.ack.record(Date.now() - start);
        result.acked++;
        ackedIds.add(n);
      } catch (error) {
        started.delete(n);
        const reason = (error as Error).message.split(' ').slice(0, 2).join(' ');
        result.sendErrors.set(reason, (result.sendErrors.get(reason) ?? 0) + 1);
      }
    }
  };
  await Promise.all(
    sockets.flatMap((socket, i) =>
      owned[i]!.length
        ? Array.from({ length: options.perOperator }, (_, k) => sender(socket, owned[i]!, k))
        : [],
    ),
  );
  const graceEnd = Date.now() + options.graceMs;
  while (Date.now() < graceEnd && [...started.keys()].some((n) => ackedIds.has(n))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (stopProfile) result.profile = await stopProfile();
  clearInterval(poller);
  drain();
  result.undelivered = [...started.keys()].filter((n) => ackedIds.has(n)).length;
  result.elapsedMs = Math.max(lastReceipt, begin) - begin;
  result.msgsPerS = result.elapsedMs > 0 ? (result.received * 1000) / result.elapsedMs : 0;
  for (const socket of sockets) socket.close();
  return result;
}
