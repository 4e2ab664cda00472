import type { SandboxContext } from '../context.js';
import type { MessengerPageOptions } from '../options.js';
import { graphError } from './graph-error.js';

/** `GET /{version}/{psid}?fields=…` — the User Profile API; 100/2018218 when no profile is available. */
export function getMessengerProfile(
  ctx: SandboxContext,
  page: Required<MessengerPageOptions>,
  psid: string,
  fields: string | undefined,
) {
  const customer = ctx.customers.findMessenger(psid);
  if (!customer || customer.pageId !== page.pageId) throw graphError('messenger', 2018001);
  if (!customer.profileAvailable) throw graphError('messenger', 2018218);
  const now = ctx.clock.now();
  const oe = Math.floor((now + 24 * 3600_000) / 1000);
  const all: Record<string, string> = {
    first_name: customer.firstName,
    last_name: customer.lastName,
    name: `${customer.firstName} ${customer.lastName}`,
    profile_pic: `${ctx.baseUrl()}/cdn/profile/${psid}?oe=${oe}&oh=${ctx.media.sign(`profile:${psid}`, oe)}`,
    locale: 'en_US',
    id: psid,
  };
  const wanted = (fields ?? 'first_name,last_name,profile_pic').split(',').map((f) => f.trim());
  const out: Record<string, string> = {};
  for (const f of wanted) if (all[f] !== undefined) out[f] = all[f];
  out.id = psid;
  return out;
}
