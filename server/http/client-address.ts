// The client's address for rate limits and the audit log, by one rule for the Express app and the survey write path: the socket's peer, or the last X-Forwarded-For hop only when DSLKIT_TRUST_PROXY says a proxy is in front (as Express's 'trust proxy' 1).
import net from 'node:net';
import type { IncomingMessage } from 'node:http';

const unmapped = (a: string) => (a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a);

/** The address the request came from. X-Forwarded-For is ignored unless trustProxy; then its last entry (the one the proxy itself appended) is the client. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = unmapped(req.socket?.remoteAddress ?? 'unknown');
  if (!trustProxy) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const last = hops[hops.length - 1];
  return last && net.isIP(unmapped(last)) ? unmapped(last) : peer;
}
