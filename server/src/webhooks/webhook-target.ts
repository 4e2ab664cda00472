import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';

/**
 * Where a tenant's webhooks may go. Endpoints are typed in by tenants' admins, so by default the server does not
 * call addresses of its own network (loopback, private, link-local: the cloud's metadata service among them).
 * The address is checked as it is connected to, after the name is resolved, so a name that resolves elsewhere
 * later (DNS rebinding) is caught too. `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` lifts it, for receivers on the
 * same network as the server.
 */
const privateAddresses = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  privateAddresses.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  privateAddresses.addSubnet(network, prefix, 'ipv6');

/** True for an address of a private, loopback, link-local or otherwise not public network. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateAddresses.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return privateAddresses.check(mapped[1]!, 'ipv4');
  return privateAddresses.check(address, 'ipv6');
}

/** A URL's host as an address, without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Why this URL cannot be an endpoint, or undefined when it can: http or https, no credentials in it, and (unless
 * private networks are allowed) not a private address or `localhost` written in it. Names are checked again at
 * each delivery, once resolved.
 */
export function refusedTarget(value: string, allowPrivateNetworks: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The URL must start with https:// or http://';
  if (url.username || url.password) return 'The URL must not carry a user name or password';
  if (allowPrivateNetworks) return undefined;
  const host = hostOf(url).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host))
    return 'The URL points to a private or loopback address, which this server does not call (WEBHOOK_ALLOW_PRIVATE_NETWORKS)';
  return undefined;
}

export class PrivateAddressError extends Error {
  constructor(address: string) {
    super(`Refused to connect to the private address ${address}`);
  }
}

/** Resolves as the system does, and refuses a name whose addresses include a private one. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(new PrivateAddressError(refused.address), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

const agents = new Map<boolean, Agent>();

/** The connection pool for webhook deliveries: keep-alive, and public addresses only unless allowed. */
export function deliveryAgent(allowPrivateNetworks: boolean): Agent {
  let agent = agents.get(allowPrivateNetworks);
  if (!agent) {
    agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: 8,
      ...(allowPrivateNetworks ? {} : { connect: { lookup: publicOnlyLookup } }),
    });
    agents.set(allowPrivateNetworks, agent);
  }
  return agent;
}

/** An address written in the URL is connected to without a lookup: checked here. */
export function refusedLiteral(url: URL, allowPrivateNetworks: boolean): string | undefined {
  const host = hostOf(url);
  if (allowPrivateNetworks || !isIP(host)) return undefined;
  return isPrivateAddress(host) ? new PrivateAddressError(host).message : undefined;
}
