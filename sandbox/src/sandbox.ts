import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAppHooks } from './app-hooks.js';
import { createContext } from './context.js';
import { createControl, type SandboxControl } from './control/control-handle.js';
import { registerControlRoutes } from './control/control-routes.js';
import { registerCdnRoutes } from './graph/cdn-routes.js';
import { registerGraphRoutes } from './graph/graph-routes.js';
import type { SandboxOptions } from './options.js';
import { registerPhoneRoutes } from './phone/phone-routes.js';

export type { SandboxOptions } from './options.js';
export type { SandboxControl } from './control/control-handle.js';

/** A sandbox that is built but not listening: its Fastify app and its control handle. */
export interface Sandbox {
  app: FastifyInstance;
  control: SandboxControl;
  /** Sets the base URL used in media and CDN URLs (startSandbox does it once listening). */
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

/** A listening sandbox: its URL, `close()`, and the control operations. */
export type RunningSandbox = SandboxControl & { url: string; app: FastifyInstance; close(): Promise<void> };

/**
 * Builds the Meta sandbox: the Graph API (WhatsApp Cloud API, Messenger Send/Profile/Attachment APIs), media
 * download URLs, the webhook emitter, and — when `control` is on — the `/_sandbox/` control API and the customer
 * phone page. Never listens.
 */
export async function buildSandbox(options: SandboxOptions): Promise<Sandbox> {
  const ctx = createContext(options);
  const app = Fastify({ logger: ctx.options.logger, bodyLimit: 8 * 1024 * 1024 });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: 110 * 1024 * 1024, files: 2 } });
  registerAppHooks(app, ctx);
  registerGraphRoutes(app, ctx);
  registerCdnRoutes(app, ctx);
  const control = createControl(ctx);
  if (ctx.options.control) {
    registerControlRoutes(app, control);
    await registerPhoneRoutes(app);
  }
  app.addHook('onClose', async () => ctx.emitter.close());
  return {
    app,
    control,
    setPublicUrl: (url) => ctx.setBaseUrl(url),
    close: () => app.close(),
  };
}

/** Builds and starts the sandbox (port 0 picks a free port) and returns its URL and control operations. */
export async function startSandbox(
  options: SandboxOptions & { port?: number; host?: string },
): Promise<RunningSandbox> {
  const sandbox = await buildSandbox(options);
  const host = options.host ?? '127.0.0.1';
  await sandbox.app.listen({ port: options.port ?? 0, host });
  const address = sandbox.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = options.publicUrl ?? `http://${shownHost}:${port}`;
  sandbox.setPublicUrl(url);
  return { ...sandbox.control, url, app: sandbox.app, close: sandbox.close };
}
