// Uploads are not buffered before authentication (issue #10): concurrent 15 MB multipart POSTs, signed out, to the sign-in page and an upload route, leave the built server's memory near where it was (full 30 x 15 MB run: bench/upload-memory-bench.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaffServer, type StaffServer } from '../../bench/helpers/staff-server';
import { uploadFlood } from '../../bench/helpers/upload-flood';

let s: StaffServer;
beforeAll(async () => { s = await startStaffServer(); }, 120_000);
afterAll(async () => { await s?.cleanup(); });

describe('multipart bodies before sign-in', () => {
  it('10 concurrent anonymous 15 MB POSTs to /staff/login are refused unread: RSS grows < 40 MB and stays < 250 MB', async () => {
    const r = await uploadFlood(s.server.url, s.server.pid, { requests: 10, megabytes: 15, path: '/staff/login' });
    // Before the fix each request kept up to 3 x 5 MB of file data in memory before the sign-in handler ran (10 x 15 MB = +150 MB).
    expect(r.peakRssMb - r.baselineRssMb, JSON.stringify(r)).toBeLessThan(40);
    expect(r.peakRssMb).toBeLessThan(250);
    for (const status of Object.keys(r.statuses)) expect(status, JSON.stringify(r.statuses)).toMatch(/^(4\d\d|error EPIPE|error ECONNRESET)$/);
    expect((await fetch(`${s.server.url}/api/health`)).status).toBe(200);
  }, 60_000);

  it('10 concurrent anonymous 15 MB POSTs to an upload route are answered 401 unread; a signed-in one is capped at 5 MB (413)', async () => {
    const r = await uploadFlood(s.server.url, s.server.pid, { requests: 10, megabytes: 15, path: `/staff/trials/${s.trialId}/schools` });
    expect(r.peakRssMb - r.baselineRssMb, JSON.stringify(r)).toBeLessThan(40);
    for (const status of Object.keys(r.statuses)) expect(status, JSON.stringify(r.statuses)).toMatch(/^(401|error EPIPE|error ECONNRESET)$/);
    const signed = await uploadFlood(s.server.url, s.server.pid, { requests: 3, megabytes: 15, path: `/staff/trials/${s.trialId}/schools`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    for (const status of Object.keys(signed.statuses)) expect(status, JSON.stringify(signed.statuses)).toMatch(/^(413|error EPIPE|error ECONNRESET)$/);
    expect(signed.peakRssMb).toBeLessThan(250);
    expect((await fetch(`${s.server.url}/api/health`)).status).toBe(200);
  }, 60_000);
});
