import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client's address as rate limits count it (see clientNetwork). With `trustedProxies` 0
 * (the default) it is the socket's peer; with n > 0, the X-Forwarded-For entry added by the
 * outermost of the n trusted proxies, so entries a client wrote itself are never believed.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  return clientNetwork(forwardedAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], trustedProxies));
}

/** The address `trustedProxies` hops back along X-Forwarded-For, ending at the socket's peer. */
export function forwardedAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: number): string {
  const peer = socketAddress ?? 'unknown';
  if (trustedProxies === 0 || !forwardedFor) return peer;
  const hops = [...[forwardedFor].flat().flatMap((header) => header.split(',')).map((entry) => entry.trim()), peer];
  const chosen = hops[Math.max(0, hops.length - 1 - trustedProxies)];
  return isIP(chosen) ? chosen : peer;
}

/**
 * One client's share of the address space: an IPv4 address (also when IPv4-mapped) as it is;
 * an IPv6 address as its /64 network, since one household or phone gets a whole /64.
 */
export function clientNetwork(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with "::", a zone or a dotted IPv4 tail). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parts = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = 8 - parts(head).length - parts(tail).length;
  const groups = tail === undefined ? parts(head) : [...parts(head), ...Array<string>(missing).fill('0'), ...parts(tail)];
  return groups.map((group) => parseInt(group, 16));
}
