import { startSandbox, type RunningSandbox } from '../sandbox.js';
import type { SandboxOptions } from '../options.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export const ids = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  waToken: 'wa-token-1',
  pageId: '117172741761305',
  pageToken: 'page-token-1',
  appSecret: 'app-secret-1',
  verifyToken: 'verify-token-1',
  customer: '16505551234',
  psid: '3383290475046708',
};

export const start = Date.UTC(2026, 5, 1, 12, 0, 0);

/** Meta's bodies as tests read them: freely, asserting what they expect. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions check the shape
export type Json = any;

export interface TestRig {
  sandbox: RunningSandbox;
  receiver: WebhookReceiver;
  /** Calls the sandbox's Graph API like a connector would. */
  graph(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/** A sandbox on a frozen clock with one number, one page, two customers and a real webhook receiver. */
export async function startRig(overrides: Partial<SandboxOptions> = {}): Promise<TestRig> {
  const receiver = await startWebhookReceiver(ids.appSecret, ids.verifyToken);
  const sandbox = await startSandbox({
    control: true,
    clock: { startAt: start, frozen: true },
    retryDelaysMs: [10, 20],
    app: {
      appSecret: ids.appSecret,
      verifyToken: ids.verifyToken,
      whatsappCallbackUrls: [receiver.url],
      messengerCallbackUrls: [receiver.url],
    },
    whatsapp: {
      numbers: [
        {
          phoneNumberId: ids.phoneNumberId,
          displayPhoneNumber: ids.displayPhoneNumber,
          wabaId: ids.wabaId,
          accessToken: ids.waToken,
        },
      ],
      customers: [{ waId: ids.customer, name: 'Sheena Nelson' }],
      templates: [
        {
          name: 'order_update',
          language: 'en_US',
          category: 'UTILITY',
          components: [
            { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
            { type: 'BODY', text: 'Hi {{1}}, your order ships on {{2}}.' },
            {
              type: 'BUTTONS',
              buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/t/{{1}}' }],
            },
          ],
        },
        {
          name: 'hello_world',
          language: 'en_US',
          category: 'MARKETING',
          components: [{ type: 'BODY', text: 'Hello from Switchboard' }],
        },
      ],
    },
    messenger: {
      pages: [{ pageId: ids.pageId, name: 'Switchboard Demo', pageAccessToken: ids.pageToken }],
      customers: [{ psid: ids.psid, firstName: 'Peter', lastName: 'Chang' }],
    },
    ...overrides,
  });
  const graph = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  };
  return {
    sandbox,
    receiver,
    graph,
    close: async () => {
      await sandbox.close();
      await receiver.close();
    },
  };
}

export const bearer = { authorization: `Bearer ${ids.waToken}` };
