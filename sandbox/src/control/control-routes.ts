import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type {
  DeliverySwitches,
  MessengerCustomerOptions,
  TemplateStatus,
  WhatsAppCustomerOptions,
} from '../options.js';
import type { FailNextInput } from '../state/failures.js';
import type { SandboxControl } from './control-handle.js';
import type { MessengerInboundInput } from './inject-messenger.js';
import type { WhatsAppInboundInput } from './inject-whatsapp.js';

const ProductSchema = Type.Union([Type.Literal('whatsapp'), Type.Literal('messenger')]);

const WhatsAppCustomerSchema = Type.Object({
  waId: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
  bsuid: Type.Optional(Type.String()),
  name: Type.String(),
  username: Type.Optional(Type.String()),
  state: Type.Optional(
    Type.Union(
      ['reachable', 'not-on-whatsapp', 'blocked-by-business', 'opted-out-marketing', 'experiment'].map((s) =>
        Type.Literal(s),
      ),
    ),
  ),
});

const MessengerCustomerSchema = Type.Object({
  psid: Type.Optional(Type.String()),
  pageId: Type.Optional(Type.String()),
  firstName: Type.String(),
  lastName: Type.String(),
  profileAvailable: Type.Optional(Type.Boolean()),
  state: Type.Optional(Type.Union([Type.Literal('reachable'), Type.Literal('unavailable')])),
  tester: Type.Optional(Type.Boolean()),
});

const CustomerStateSchema = Type.Object({
  product: ProductSchema,
  customer: Type.String(),
  state: Type.Optional(Type.String()),
  profileAvailable: Type.Optional(Type.Boolean()),
});
const WhatsAppInboundSchema = Type.Object({ from: Type.String(), type: Type.String() });
const MessengerInboundSchema = Type.Object({ psid: Type.String(), kind: Type.Optional(Type.String()) });
const ConversationQuery = Type.Object({
  product: ProductSchema,
  customer: Type.String(),
  account: Type.Optional(Type.String()),
});
const AdvanceSchema = Type.Object({
  ms: Type.Optional(Type.Number({ minimum: 0 })),
  seconds: Type.Optional(Type.Number({ minimum: 0 })),
  minutes: Type.Optional(Type.Number({ minimum: 0 })),
  hours: Type.Optional(Type.Number({ minimum: 0 })),
  days: Type.Optional(Type.Number({ minimum: 0 })),
});
const FailNextSchema = Type.Object({
  product: ProductSchema,
  code: Type.Integer(),
  count: Type.Optional(Type.Integer({ minimum: 1 })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')])),
  recipient: Type.Optional(Type.String()),
  httpStatus: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
  details: Type.Optional(Type.String()),
});
const SwitchesSchema = Type.Object({
  duplicate: Type.Optional(Type.Boolean()),
  reorder: Type.Optional(Type.Boolean()),
  batchSize: Type.Optional(Type.Integer({ minimum: 1 })),
  delayMs: Type.Optional(Type.Integer({ minimum: 0 })),
  statusBeforeResponse: Type.Optional(Type.Boolean()),
  windowMode: Type.Optional(Type.Union([Type.Literal('async'), Type.Literal('sync')])),
  skipDelivered: Type.Optional(Type.Boolean()),
  deliveryWithoutMids: Type.Optional(Type.Boolean()),
  unsubscribeOnFailure: Type.Optional(Type.Boolean()),
  fetchMediaLinks: Type.Optional(Type.Boolean()),
  statusProgression: Type.Optional(
    Type.Union([Type.Literal('none'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('read')]),
  ),
});
const ProductBody = Type.Object({ product: ProductSchema });
const RawWebhookSchema = Type.Object({
  product: ProductSchema,
  payload: Type.Unknown(),
  signature: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('missing')]),
});
const TemplateStatusSchema = Type.Object({
  name: Type.String(),
  language: Type.String(),
  status: Type.String(),
  reason: Type.Optional(Type.String()),
});

/** The `/_sandbox/` control API (test and demo mode only): thin routes over the control handle. */
export function registerControlRoutes(app: FastifyInstance, control: SandboxControl): void {
  const p = '/_sandbox';
  app.get(`${p}/customers`, async () => ({ data: control.customers() }));
  app.post<{ Body: Static<typeof WhatsAppCustomerSchema> }>(
    `${p}/whatsapp/customers`,
    { schema: { body: WhatsAppCustomerSchema } },
    async (request) => control.addWhatsAppCustomer(request.body as WhatsAppCustomerOptions),
  );
  app.post<{ Body: Static<typeof MessengerCustomerSchema> }>(
    `${p}/messenger/customers`,
    { schema: { body: MessengerCustomerSchema } },
    async (request) => control.addMessengerCustomer(request.body as MessengerCustomerOptions),
  );
  app.patch<{ Body: Static<typeof CustomerStateSchema> }>(
    `${p}/customers`,
    { schema: { body: CustomerStateSchema } },
    async (request) => control.setCustomerState(request.body),
  );
  app.post<{ Body: { customer: string; phone_number_id?: string } }>(
    `${p}/whatsapp/call`,
    {
      schema: {
        body: Type.Object({ customer: Type.String(), phone_number_id: Type.Optional(Type.String()) }),
      },
    },
    async (request) => control.customerCalled(request.body),
  );
  app.post(`${p}/whatsapp/inbound`, { schema: { body: WhatsAppInboundSchema } }, async (request) =>
    control.injectWhatsApp(request.body as WhatsAppInboundInput),
  );
  app.post(`${p}/messenger/inbound`, { schema: { body: MessengerInboundSchema } }, async (request) =>
    control.injectMessenger(request.body as MessengerInboundInput),
  );
  app.post<{ Body: Static<typeof ConversationQuery> }>(
    `${p}/read`,
    { schema: { body: ConversationQuery } },
    async (request) => control.customerRead(request.body),
  );
  app.get<{ Querystring: Static<typeof ConversationQuery> }>(
    `${p}/conversation`,
    { schema: { querystring: ConversationQuery } },
    async (request) => control.conversation(request.query),
  );
  app.get(`${p}/clock`, async () => ({ now: control.now() }));
  app.post<{ Body: Static<typeof AdvanceSchema> }>(
    `${p}/clock/advance`,
    { schema: { body: AdvanceSchema } },
    async (request) => {
      const b = request.body;
      const ms =
        (b.ms ?? 0) +
        (b.seconds ?? 0) * 1e3 +
        (b.minutes ?? 0) * 6e4 +
        (b.hours ?? 0) * 3.6e6 +
        (b.days ?? 0) * 8.64e7;
      return { now: control.advanceClock(ms) };
    },
  );
  app.post<{ Body: Static<typeof FailNextSchema> }>(
    `${p}/fail-next`,
    { schema: { body: FailNextSchema } },
    async (request) => {
      control.failNext(request.body as FailNextInput);
      return { queued: request.body.count ?? 1 };
    },
  );
  app.get(`${p}/switches`, async () => control.setSwitches({}));
  app.patch<{ Body: Static<typeof SwitchesSchema> }>(
    `${p}/switches`,
    { schema: { body: SwitchesSchema } },
    async (request) => control.setSwitches(request.body as Partial<DeliverySwitches>),
  );
  app.get<{ Querystring: { method?: string; path?: string } }>(`${p}/calls`, async (request) => ({
    data: control.calls({ method: request.query.method, pathContains: request.query.path }),
  }));
  app.delete(`${p}/calls`, async () => {
    control.clearCalls();
    return { success: true };
  });
  app.get(`${p}/deliveries`, async () => ({ data: control.deliveries() }));
  app.get(`${p}/retries`, async () => ({ data: control.pendingRetries() }));
  app.post<{ Body: Static<typeof ProductBody> }>(
    `${p}/subscribe`,
    { schema: { body: ProductBody } },
    async (request) => ({
      data: await control.verifySubscription(request.body.product),
    }),
  );
  app.post<{ Body: Static<typeof RawWebhookSchema> }>(
    `${p}/webhooks/raw`,
    { schema: { body: RawWebhookSchema } },
    async (request) => ({
      data: await control.sendRawWebhook(request.body.product, request.body.payload, request.body.signature),
    }),
  );
  app.post<{ Body: { token: string } }>(
    `${p}/tokens/revoke`,
    { schema: { body: Type.Object({ token: Type.String() }) } },
    async (request) => {
      control.revokeToken(request.body.token);
      return { success: true };
    },
  );
  app.post<{ Body: Static<typeof TemplateStatusSchema> }>(
    `${p}/whatsapp/templates/status`,
    { schema: { body: TemplateStatusSchema } },
    async (request) =>
      control.setTemplateStatus({ ...request.body, status: request.body.status as TemplateStatus }),
  );
}
