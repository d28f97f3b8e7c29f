// clientAddress believes X-Forwarded-For only from the proxies DSLKIT_TRUST_PROXY names (addresses or CIDR ranges).
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../server/http/client-address';
import { loadConfig } from '../../server/config';

const request = (peer: string, forwardedFor?: string) => ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('takes the last X-Forwarded-For hop from a listed proxy, and the peer from anyone else', () => {
    const proxies = loadConfig({ DSLKIT_TRUST_PROXY: '10.0.0.0/24, 192.0.2.9' }).proxyAddresses;
    expect(clientAddress(request('10.0.0.5', '203.0.113.1, 198.51.100.7'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('::ffff:192.0.2.9', '198.51.100.8'), proxies)).toBe('198.51.100.8');
    expect(clientAddress(request('10.0.1.5', '198.51.100.7'), proxies)).toBe('10.0.1.5'); // outside the range: not the proxy
    expect(clientAddress(request('10.0.0.5', 'not-an-address'), proxies)).toBe('10.0.0.5');
  });

  it('with DSLKIT_TRUST_PROXY=1 believes only a proxy on this machine, and nothing when unset', () => {
    const local = loadConfig({ DSLKIT_TRUST_PROXY: '1' }).proxyAddresses;
    expect(clientAddress(request('127.0.0.1', '198.51.100.7'), local)).toBe('198.51.100.7');
    expect(clientAddress(request('::1', '198.51.100.7'), local)).toBe('198.51.100.7');
    expect(clientAddress(request('192.0.2.50', '198.51.100.7'), local)).toBe('192.0.2.50');
    expect(clientAddress(request('127.0.0.1', '198.51.100.7'), loadConfig({}).proxyAddresses)).toBe('127.0.0.1');
  });
});
