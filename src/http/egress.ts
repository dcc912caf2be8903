import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { BUILTIN_EGRESS_DENY } from '../config/defaults.js';

export const EGRESS_DENIED = 'EGRESS_DENIED';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Decides which resolved addresses outbound calls may connect to. */
export interface EgressPolicy {
  permits(address: string): boolean;
  /** A drop-in for dns.lookup that only ever yields permitted addresses. */
  lookup: typeof dns.lookup;
  /** Throws EGRESS_DENIED for a host that is an IP literal outside the policy. */
  checkLiteral(host: string): void;
}

export class EgressDeniedError extends Error {
  readonly code = EGRESS_DENIED;
  constructor(target: string) {
    super(`egress to ${target} is denied by policy`);
  }
}

export function parseCidr(text: string): Cidr {
  try {
    return text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), ipaddr.parse(text).kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new Error(`not a CIDR block: ${text}`);
  }
}

/**
 * Order of decision: `deny` (configured) refuses; then `allow` (configured) permits; then the built-in
 * list of link-local and metadata addresses refuses; everything else is permitted. IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry.
 */
export function createEgressPolicy(options: { allow?: readonly string[]; deny?: readonly string[] }): EgressPolicy {
  const deny = (options.deny ?? []).map(parseCidr);
  const allow = (options.allow ?? []).map(parseCidr);
  const builtin = BUILTIN_EGRESS_DENY.map(parseCidr);

  const permits = (address: string): boolean => {
    const ip = normalise(address);
    if (!ip) return false;
    if (matchesAny(ip, deny)) return false;
    if (matchesAny(ip, allow)) return true;
    return !matchesAny(ip, builtin);
  };

  const lookup = ((hostname: string, opts: unknown, callback: (...args: unknown[]) => void) => {
    const options = (typeof opts === 'object' && opts !== null ? opts : { family: opts }) as dns.LookupOptions;
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const allowed = addresses.filter((a) => permits(a.address));
      if (allowed.length === 0) return callback(new EgressDeniedError(hostname));
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  }) as typeof dns.lookup;

  const checkLiteral = (host: string) => {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    if (net.isIP(bare) && !permits(bare)) throw new EgressDeniedError(bare);
  };

  return { permits, lookup, checkLiteral };
}

function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const ip = ipaddr.parse(address.replace(/%.*$/, ''));
    return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
  } catch {
    return undefined;
  }
}

function matchesAny(ip: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly Cidr[]): boolean {
  return ranges.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range as never, bits));
}
