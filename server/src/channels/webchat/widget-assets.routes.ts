import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../http/app-error.js';
import { DEMO_WEBCHAT_KEY } from '../../tenants/seed-demo.js';

const widgetScript = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../widget/dist/widget.js',
);

const demoPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchboard web chat demo</title>
    <style>
      body { font-family: Georgia, serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
      code { background: #f1f1f1; padding: 0.1rem 0.3rem; }
    </style>
  </head>
  <body>
    <h1>Demo Company</h1>
    <p>This page stands in for a company's website. The chat button in the corner is Switchboard's web chat widget,
    added with one tag:</p>
    <p><code>&lt;script src="/widget.js" data-key="${DEMO_WEBCHAT_KEY}" async&gt;&lt;/script&gt;</code></p>
    <p>Sign in to the workspace as an operator in another window, set yourself available, and start a chat here.</p>
    <script src="/widget.js" data-key="${DEMO_WEBCHAT_KEY}" async></script>
  </body>
</html>
`;

/**
 * The web chat widget's script (built from `widget/` into `widget/dist`) at `/widget.js`, and a demo page that
 * embeds it with the demo key at `/demo`. Both are outside the API: no access rule, not in the OpenAPI document.
 */
export const widgetAssetsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    let script: Buffer;
    try {
      // Read at each request: a rebuilt widget is served without a restart, and the file is small.
      script = await readFile(widgetScript);
    } catch {
      throw AppError.notFound('The widget script (build it with `npm run build --workspace widget`)');
    }
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(script);
  });

  app.get('/demo', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(demoPage),
  );
};
