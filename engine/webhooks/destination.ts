/**
 * Where webhooks may be sent. A back office registers a URL; orderwire POSTs to it from inside the
 * merchant's network, so a URL must not reach what only that network can: the host is resolved
 * and every address it resolves to must be public (ipaddr.js classifies it: loopback, private,
 * link-local with the cloud metadata address, unique-local, multicast, unspecified, CGNAT,
 * reserved and documentation ranges, addresses embedding IPv4 ones are all refused), unless the
 * operator allows it in the daemon configuration (`webhooks.allowed_destinations`: exact host
 * names, `*.suffix` wildcards, addresses and CIDR ranges) for on-premise receivers.
 *
 * The check runs at registration and again at each delivery, and a delivery connects to the
 * address that was checked (post.ts pins it), so a name re-pointed after registration (DNS
 * rebinding) reaches nothing it should not. Numeric host forms (2130706433, 0x7f.1, [::ffff:7f00:1])
 * are normalized by the WHATWG URL parser before any check.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { parseAllowEntry, type AllowEntry } from '../config/allowed-destinations.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (dns.lookup by default: the system's resolver). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export type DestinationVerdict =
  | { ok: true; host: string; address: ResolvedAddress; allowedBy?: string }
  | { ok: false; code: 'WEBHOOK_DESTINATION_FORBIDDEN' | 'WEBHOOK_URL_UNRESOLVABLE'; reason: string };

const WORDS: Record<string, string> = {
  loopback: 'a loopback',
  private: 'a private (RFC 1918)',
  linkLocal: 'a link-local',
  uniqueLocal: 'a unique-local',
  multicast: 'a multicast',
  unspecified: 'an unspecified',
  broadcast: 'the broadcast',
  carrierGradeNat: 'a carrier-grade NAT',
  reserved: 'a reserved',
};

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Why an address is not public, in words; undefined for a public unicast address. */
export function nonPublicReason(address: string): string | undefined {
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range === 'unicast' && (ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST_V6))) return undefined;
  return `${WORDS[range] ?? `a non-public (${range === 'unicast' ? 'not global unicast' : range})`} address`;
}

export class DestinationPolicy {
  readonly #allowed: AllowEntry[];
  readonly #lookup: HostLookup;

  /** `allowed`: entries of webhooks.allowed_destinations (checked by the configuration loader). */
  constructor(options: { allowed?: readonly string[]; lookup?: HostLookup } = {}) {
    this.#allowed = (options.allowed ?? []).map((entry) => {
      const parsed = parseAllowEntry(entry);
      if ('error' in parsed) throw new TypeError(parsed.error);
      return parsed;
    });
    this.#lookup = options.lookup ?? systemLookup;
  }

  #hostAllowed(host: string): string | undefined {
    for (const entry of this.#allowed) {
      if (entry.kind === 'host' && entry.host === host) return entry.host;
      if (entry.kind === 'suffix' && host.endsWith(entry.suffix)) return `*${entry.suffix}`;
    }
    return undefined;
  }

  #rangeAllowing(address: string): string | undefined {
    const ip = ipaddr.process(address);
    for (const entry of this.#allowed) {
      if (entry.kind === 'range' && entry.range[0].kind() === ip.kind() && ip.match(entry.range)) return entry.text;
    }
    return undefined;
  }

  /** Where `url` may be delivered: the address to connect to, or why not. */
  async check(url: URL): Promise<DestinationVerdict> {
    // The WHATWG parser has lowercased the host and made numeric forms canonical; a final dot
    // (an absolute DNS name) names the same host.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname.replace(/\.$/, '');
    const literal = ipaddr.isValid(host);
    let addresses: ResolvedAddress[];
    if (literal) {
      addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }];
    } else {
      try {
        addresses = await this.#lookup(host);
      } catch {
        addresses = [];
      }
      if (addresses.length === 0) return { ok: false, code: 'WEBHOOK_URL_UNRESOLVABLE', reason: `${host} does not resolve to any address` };
    }
    const byName = literal ? undefined : this.#hostAllowed(host);
    if (byName) return { ok: true, host, address: addresses[0]!, allowedBy: byName };
    let allowedBy: string | undefined;
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason === undefined) continue;
      const range = this.#rangeAllowing(address);
      if (!range) {
        const subject = literal ? `${host} is` : `${host} resolves to`;
        return { ok: false, code: 'WEBHOOK_DESTINATION_FORBIDDEN', reason: `${subject} ${reason}; webhooks go to public addresses unless the daemon's configuration allows the destination (webhooks.allowed_destinations)` };
      }
      allowedBy = range;
    }
    return { ok: true, host, address: addresses[0]!, ...(allowedBy && { allowedBy }) };
  }
}

/**
 * A webhook URL as stored: absolute http(s) without credentials, normalized by the WHATWG URL
 * parser (host lowercased and numeric forms made canonical, default port dropped, path
 * percent-encoded and dot segments resolved) and without a fragment, which is never sent.
 * Undefined when it is not such a URL.
 */
export function normalizeWebhookUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  url.hash = '';
  return url;
}
