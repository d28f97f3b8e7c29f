// The client's address for rate limits and the audit log, by one rule for the Express app and the survey write path: the socket's peer, or the last X-Forwarded-For hop only when the peer is the proxy DSLKIT_TRUST_PROXY names (as Express's 'trust proxy' with the same addresses).
import net from 'node:net';
import type { IncomingMessage } from 'node:http';

const unmapped = (a: string) => (a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a);

const proxyLists = new WeakMap<readonly string[], net.BlockList>();

/** The configured proxy addresses (IPs or CIDR ranges, config.proxyAddresses) as a BlockList, built once per list. */
function proxyList(proxies: readonly string[]): net.BlockList {
  let list = proxyLists.get(proxies);
  if (!list) {
    list = new net.BlockList();
    for (const p of proxies) {
      const [address, bits] = p.split('/');
      const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, family); else list.addSubnet(address, Number(bits), family);
    }
    proxyLists.set(proxies, list);
  }
  return list;
}

/**
 * The address the request came from. X-Forwarded-For is believed only when the connection comes from one of
 * `proxies` (config.proxyAddresses: empty unless DSLKIT_TRUST_PROXY is set); then its last entry (the one the
 * proxy itself set) is the client. A client reaching dslkit's port directly cannot choose its address.
 */
export function clientAddress(req: IncomingMessage, proxies: readonly string[]): string {
  const peer = unmapped(req.socket?.remoteAddress ?? 'unknown');
  if (!proxies.length || !net.isIP(peer) || !proxyList(proxies).check(peer, net.isIPv6(peer) ? 'ipv6' : 'ipv4')) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const last = hops[hops.length - 1];
  return last && net.isIP(unmapped(last)) ? unmapped(last) : peer;
}
