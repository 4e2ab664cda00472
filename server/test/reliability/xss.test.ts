import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../factories.js';
import { startWebchat } from '../webchat-client.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  signInOlga,
  type WorkspaceBrowser,
} from '../workspace-browser.js';
import { signature, waMessagesBody } from './reliability-kit.js';

/*
 * Customer text is never HTML: a corpus of script injections, sent from web chat, WhatsApp and Messenger (as
 * message text and as the customer's name), shown in the workspace in Chromium. Nothing runs (`window.__xss`
 * stays unset, no dialog), no element comes from the text, links are http(s) only and open with
 * rel="noopener noreferrer", and the text reads exactly as sent.
 */

const CORPUS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '<svg onload="window.__xss=1"><circle r="1"/></svg>',
  '<a href="javascript:window.__xss=1">click me</a>',
  '[click me](javascript:window.__xss=1)',
  'javascript:window.__xss=1',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<div onmouseover="window.__xss=1">hover me</div>',
  '"><img src=x onerror=window.__xss=1>',
  "'-window.__xss=1-'",
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '&lt;b&gt;entities stay text&lt;/b&gt;',
  'data:text/html,<script>window.__xss=1</script>',
  'https://example.com/"onmouseover="window.__xss=1',
  'http://example.com/?q=<script>window.__xss=1</script>',
  '**bold** _italic_ `code` [site](https://example.com)',
  'invoice\u202Efdp.exe and \u2066isolated\u2069',
  '<style>body{display:none}</style>',
];
const APP_SECRET = 'xss-secret';
const id = `${Date.now()}`.slice(-8);
const number = { phoneNumberId: `3${id}1`, displayPhoneNumber: `1555${id}`, wabaId: `3${id}2` };
const pageId = `3${id}3`;

describe.runIf(browserRunnable)('customer text in the workspace', () => {
  let w: WorkspaceBrowser;
  const names: string[] = [];

  beforeAll(async () => {
    w = await openWorkspaceBrowser({ config: { GRAPH_API_BASE_URL: 'http://127.0.0.1:9' } });
    const { t, f, page } = w;
    await page.addInitScript(() => {
      (globalThis as unknown as { __xss?: number }).__xss = undefined;
    });
    const admin = f.sessions.admin!.headers;
    for (const [path, body] of [
      ['whatsapp', { name: 'WA', ...number, accessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v' }],
      ['messenger', { name: 'FB', pageId, pageAccessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v' }],
    ] as const)
      expect(
        (await call(t.url, 'POST', `/api/v1/channel-accounts/${path}`, { headers: admin, body })).status,
      ).toBe(201);
    await signInOlga(w);
    const acceptNext = async () => {
      for (let i = 0; i < 100; i++) {
        const offers = await call(t.url, 'GET', '/api/v1/offers', { headers: f.sessions.olga!.headers });
        const offer = offers.body.items?.[0];
        if (offer) {
          const accepted = await call(t.url, 'POST', `/api/v1/offers/${offer.id}/accept`, {
            headers: f.sessions.olga!.headers,
          });
          expect(accepted.status).toBe(200);
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no offer');
    };
    const post = async (path: string, body: unknown) => {
      const text = JSON.stringify(body);
      const r = await fetch(`${t.url}/webhooks/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(APP_SECRET, text) },
        body: text,
      });
      expect(r.status).toBe(200);
    };

    // Web chat: the name and every message from the widget.
    names.push(`<img src=x onerror=window.__xss=1> Web`);
    const customer = await startWebchat(t.url, f.key, { name: names[0]!, question: CORPUS[0]! });
    await acceptNext();
    for (const text of CORPUS.slice(1)) expect((await customer.send(text)).status).toBe(200);
    // WhatsApp: a profile name and the corpus, several messages per delivery.
    names.push(`<svg onload=window.__xss=1> WA`);
    const wa = (text: string, n: number) => ({
      from: `4207${id}`,
      name: names[1]!,
      wamid: `wamid.xss-${id}-${n}`,
      text,
      timestamp: Math.floor(Date.now() / 1000),
    });
    await post('whatsapp', waMessagesBody(number, [wa(CORPUS[0]!, 0)]));
    await acceptNext();
    await post(
      'whatsapp',
      waMessagesBody(
        number,
        CORPUS.slice(1).map((text, i) => wa(text, i + 1)),
      ),
    );
    // Messenger: text events (the profile is fetched from Graph, which is away here).
    const fb = (text: string, n: number) => ({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: Date.now(),
          messaging: [
            {
              sender: { id: `9${id}` },
              recipient: { id: pageId },
              timestamp: Date.now() + n,
              message: { mid: `m_xss-${id}-${n}`, text },
            },
          ],
        },
      ],
    });
    await post('messenger', fb(CORPUS[0]!, 0));
    await acceptNext();
    for (const [i, text] of CORPUS.slice(1).entries()) await post('messenger', fb(text, i + 1));
    customer.close();
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  });

  it('shows every text literally in each channel’s session, runs nothing, and links only to http(s)', async () => {
    const { page } = w;
    const rows = page.getByTestId('session-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const timeline = page.getByTestId('timeline');
    for (let i = 0; i < 3; i++) {
      await rows.nth(i).click();
      await expect
        .poll(() => timeline.getByTestId('message-in').count(), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(CORPUS.length);
      const texts = await timeline.getByTestId('message-in').allTextContents();
      const missing = CORPUS.filter((c) => !texts.some((t) => t.includes(c)));
      expect(missing, `session ${i}`).toEqual([]);
      // Links were made (from the http(s) URLs in the corpus), so the checks below have something to check.
      expect(await timeline.locator('a').count()).toBeGreaterThan(0);
      // No element was made from customer text.
      expect(
        await timeline
          .locator('script, img, svg, iframe, style, math, [onerror], [onload], [onmouseover]')
          .count(),
      ).toBe(0);
      await timeline.getByTestId('message-in').first().hover();
      for (const link of await timeline.locator('a').all()) {
        const href = (await link.getAttribute('href')) ?? '';
        expect(href, href).toMatch(/^https?:\/\//);
        expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      }
    }
    const sessionList = await rows.allTextContents();
    for (const name of names)
      expect(
        sessionList.some((t) => t.includes(name)),
        name,
      ).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(w.alerts).toEqual([]);
  }, 120_000);
});
