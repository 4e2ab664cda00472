import type { SandboxOptions, TemplateOptions } from './options.js';

/** Ids of the demo accounts, also used by the app's demo mode to configure its sandbox channel accounts. */
export const demoAccounts = {
  appId: '1517776481860111',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  whatsappToken: 'sandbox-whatsapp-token',
  pageId: '117172741761305',
  pageName: 'Switchboard Demo',
  pageToken: 'sandbox-page-token',
} as const;

export const demoTemplates: TemplateOptions[] = [
  {
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a message.',
      },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  },
  {
    name: 'follow_up',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{1}}, this is {{2}} from support. Could you reply so we can continue your request?',
      },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Continue' }] },
    ],
  },
  {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Your order {{1}} ships on {{2}}.' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/track/{{1}}' }] },
    ],
  },
  {
    name: 'seguimiento',
    language: 'es',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hola {{1}}, ¿podemos continuar con tu solicitud?' }],
  },
  {
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Spring sale: {{1}} off everything this week.' }],
  },
];

/**
 * A ready-to-try configuration: one WhatsApp number and one Facebook page with a few customers (one with a
 * Brazilian 9th-digit wa_id, one username-only BSUID customer), and templates.
 */
export function demoOptions(app: {
  appSecret: string;
  verifyToken: string;
  whatsappCallbackUrls?: string[];
  messengerCallbackUrls?: string[];
}): SandboxOptions {
  return {
    control: true,
    app: { appId: demoAccounts.appId, ...app },
    whatsapp: {
      numbers: [
        {
          phoneNumberId: demoAccounts.phoneNumberId,
          displayPhoneNumber: demoAccounts.displayPhoneNumber,
          wabaId: demoAccounts.wabaId,
          accessToken: demoAccounts.whatsappToken,
        },
      ],
      customers: [
        { waId: '16505551234', name: 'Sheena Nelson' },
        { waId: '5511987654321', phone: '551187654321', name: 'João Silva' },
        { bsuid: 'US.13491208655302741918', name: 'Jess', username: 'jess.design' },
      ],
      templates: demoTemplates,
    },
    messenger: {
      pages: [
        { pageId: demoAccounts.pageId, name: demoAccounts.pageName, pageAccessToken: demoAccounts.pageToken },
      ],
      customers: [
        { psid: '3383290475046708', firstName: 'Peter', lastName: 'Chang' },
        { psid: '2975432110923456', firstName: 'Ana', lastName: 'García' },
      ],
    },
    switches: { statusProgression: 'delivered' },
  };
}
