import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { CLOUD_METADATA_ADDRESSES } from '../config/defaults.js';

export const EGRESS_DENIED = 'EGRESS_DENIED';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Decides which resolved addresses outbound calls may connect to. */
export interface EgressPolicy {
  permits(address: string): boolean;
  /** Why `address` is refused, or undefined when it is permitted. */
  refusal(address: string): string | undefined;
  /** A drop-in for dns.lookup that only ever yields permitted addresses. */
  lookup: typeof dns.lookup;
  /** Throws EGRESS_DENIED for a host that is an IP literal outside the policy. */
  checkLiteral(host: string): void;
}

export interface EgressOptions {
  allow?: readonly string[];
  deny?: readonly string[];
  /** Refuse every address that is not public: private ranges too. */
  public_only?: boolean;
  /** Resolves names; dns.lookup unless a test serves its own answers. */
  resolve?: typeof dns.lookup;
}

export class EgressDeniedError extends Error {
  readonly code = EGRESS_DENIED;
  constructor(target: string, reason: string) {
    super(`egress to ${target} refused: ${reason}`);
  }
}

/** Classes refused by default: nothing a webhook should reach on the node's own machine or network segment. */
const REFUSED_BY_DEFAULT: Record<string, string> = {
  loopback: 'a loopback address',
  unspecified: 'an unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
};

export function parseCidr(text: string): Cidr {
  try {
    return text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), ipaddr.parse(text).kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new Error(`not a CIDR block: ${text}`);
  }
}

/**
 * Order of decision: `egress.deny` refuses; then `egress.allow` permits; then cloud metadata
 * addresses, loopback, unspecified, link-local, multicast and broadcast are refused; with
 * `egress.public_only`, so is every address that is not public (private ranges, CGNAT, unique
 * local, reserved); the rest is permitted. IPv6 forms that carry an IPv4 address (mapped, NAT64,
 * 6to4, Teredo) are judged as that IPv4 address. A refusal says which class and which setting.
 */
export function createEgressPolicy(options: EgressOptions): EgressPolicy {
  const deny = (options.deny ?? []).map((text) => ({ text, cidr: parseCidr(text) }));
  const allow = (options.allow ?? []).map(parseCidr);
  const metadata = CLOUD_METADATA_ADDRESSES.map(parseCidr);
  const resolve = options.resolve ?? dns.lookup;

  const refusal = (address: string): string | undefined => {
    const ip = normalise(address);
    if (!ip) return `${address} is not an IP address`;
    const shown = ip.toString();
    const denied = deny.find((d) => matches(ip, d.cidr));
    if (denied) return `${shown} is in egress.deny (${denied.text})`;
    if (allow.some((cidr) => matches(ip, cidr))) return undefined;
    const opening = `add ${shown}/${ip.kind() === 'ipv4' ? 32 : 128} to egress.allow to call it`;
    if (metadata.some((cidr) => matches(ip, cidr))) return `${shown} is a cloud metadata address, refused by default; ${opening}`;
    const range = ip.range();
    const known = REFUSED_BY_DEFAULT[range];
    if (known) return `${shown} is ${known}, refused by default; ${opening}`;
    if (options.public_only && range !== 'unicast') return `${shown} is not a public address (${range}), refused because egress.public_only is on; ${opening}`;
    return undefined;
  };
  const permits = (address: string) => refusal(address) === undefined;

  const lookup = ((hostname: string, opts: unknown, callback: (...args: unknown[]) => void) => {
    const options = (typeof opts === 'object' && opts !== null ? opts : { family: opts }) as dns.LookupOptions;
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const allowed = addresses.filter((a) => permits(a.address));
      if (allowed.length === 0) {
        const why = addresses.length > 0 ? refusal(addresses[0].address)! : 'it resolves to no address';
        return callback(new EgressDeniedError(hostname, why));
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  }) as typeof dns.lookup;

  const checkLiteral = (host: string) => {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    if (!net.isIP(bare)) return;
    const why = refusal(bare);
    if (why) throw new EgressDeniedError(bare, why);
  };

  return { permits, refusal, lookup, checkLiteral };
}

/** The address a connection reaches: an IPv6 address carrying an IPv4 one is that IPv4 address. */
function normalise(address: string): Address | undefined {
  let ip: Address;
  try {
    ip = ipaddr.parse(address.replace(/%.*$/, ''));
  } catch {
    return undefined;
  }
  if (ip.kind() === 'ipv4') return ip;
  const v6 = ip as ipaddr.IPv6;
  const bytes = v6.toByteArray();
  switch (v6.range()) {
    case 'ipv4Mapped':
    case 'rfc6052': // NAT64: 64:ff9b::a.b.c.d
      return new ipaddr.IPv4(bytes.slice(12, 16));
    case '6to4': // 2002:AABB:CCDD::
      return new ipaddr.IPv4(bytes.slice(2, 6));
    case 'teredo': // the client's address, inverted, in the last 32 bits
      return new ipaddr.IPv4(bytes.slice(12, 16).map((b) => b ^ 0xff));
    default:
      return v6;
  }
}

function matches(ip: Address, [range, bits]: Cidr): boolean {
  return range.kind() === ip.kind() && ip.match(range as never, bits);
}
