/**
 * Entries of `webhooks.allowed_destinations` in the configuration: the webhook destinations an
 * operator allows besides public addresses (engine/webhooks/destination.ts applies them). An entry
 * is an exact host name (erp.corp.example), a wildcard on a domain (*.corp.example), an address
 * (10.1.2.3, ::1) or a CIDR range (10.1.2.0/24, fd00::/8); ipaddr.js parses the addresses.
 */
import ipaddr from 'ipaddr.js';

export type AllowEntry =
  | { kind: 'host'; host: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'range'; range: [ipaddr.IPv4 | ipaddr.IPv6, number]; text: string };

/** What an allow-list entry means, or why it is not one (for the configuration's findings). */
export function parseAllowEntry(entry: string): AllowEntry | { error: string } {
  const text = entry.trim().toLowerCase();
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.isValidCIDR(bare)) return { kind: 'range', range: ipaddr.parseCIDR(bare), text };
  if (ipaddr.isValid(bare)) {
    const ip = ipaddr.parse(bare);
    return { kind: 'range', range: [ip, ip.kind() === 'ipv4' ? 32 : 128], text };
  }
  if (/^\*\.([a-z0-9-]+\.)*[a-z0-9-]+$/.test(text)) return { kind: 'suffix', suffix: text.slice(1) };
  if (/^([a-z0-9-]+\.)*[a-z0-9-]+$/.test(text) && !/^[0-9.]+$/.test(text)) return { kind: 'host', host: text };
  return { error: `"${entry}" is neither a host name (erp.example.com, *.corp.example) nor an address or CIDR range (10.1.2.0/24, fd00::/8)` };
}

