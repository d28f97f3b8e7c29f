// dslkit behind Debian's nginx with deploy/nginx/dslkit.conf (only ports and certificate paths changed): TLS with a certificate made here by openssl, HSTS and Secure cookies through the proxy, client addresses from the proxy only, gzip, pre-compressed assets passed through unchanged, the 64 KB survey body limit.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAnswers, createSurveyFixture, seededRandom, type SurveyFixture } from '../../bench/helpers/fixture';
import { freePort, startServerProcess, type ServerProcess } from '../../bench/helpers/server-process';
import { clientDistDir } from '../helpers/build-client';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nginxBinary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
const hasOpenssl = (() => { try { execFileSync('openssl', ['version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const available = Boolean(nginxBinary) && hasOpenssl;
if (!available && process.env.CI) throw new Error('CI needs Debian\'s nginx and openssl for the reverse-proxy test (.ci/run installs them)');

/** The repository's example, with only the listen ports (on 127.0.0.1), the upstream port and the certificate paths changed; each must be found exactly once. */
export function renderNginxSite(example: string, p: { httpPort: number; httpsPort: number; upstreamPort: number; cert: string; key: string }): string {
  const swaps: Array<[string, string]> = [
    ['    listen 80;\n', `    listen 127.0.0.1:${p.httpPort};\n`],
    ['    listen 443 ssl http2;\n', `    listen 127.0.0.1:${p.httpsPort} ssl http2;\n`],
    ['    server 127.0.0.1:3000;\n', `    server 127.0.0.1:${p.upstreamPort};\n`],
    ['/etc/ssl/dslkit/fullchain.pem', p.cert],
    ['/etc/ssl/dslkit/privkey.pem', p.key],
  ];
  let out = example;
  for (const [from, to] of swaps) {
    if (out.split(from).length !== 2) throw new Error(`deploy/nginx/dslkit.conf no longer has exactly one "${from.trim()}"`);
    out = out.replace(from, to);
  }
  return out;
}

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** One request with no automatic decompression, from a chosen local address (127.x.y.z all reach loopback), over TLS to nginx or plain HTTP to dslkit. */
function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; from?: string; ca?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, {
      method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from, agent: false,
      ...(u.protocol === 'https:' ? { ca: opts.ca, servername: 'localhost' } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe.skipIf(!available)('dslkit behind nginx (deploy/nginx/dslkit.conf)', () => {
  let dir: string;
  let fx: SurveyFixture;
  let app: ServerProcess;
  let nginx: ChildProcess;
  let proxy: string;
  let plain: string;
  let ca: Buffer;
  const nginxLog: string[] = [];

  beforeAll(async () => {
    fx = await createSurveyFixture({ invitations: 4 });
    dir = fs.mkdtempSync(path.join(fx.dir, 'nginx-'));
    fs.chmodSync(fx.dir, 0o755);
    fs.chmodSync(dir, 0o755);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem')], { stdio: 'ignore' });
    ca = fs.readFileSync(path.join(dir, 'fullchain.pem'));
    app = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile, env: { DSLKIT_TRUST_PROXY: '1', DSLKIT_METRICS: '1' } });
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const site = renderNginxSite(fs.readFileSync(path.join(repo, 'deploy', 'nginx', 'dslkit.conf'), 'utf8'),
      { httpPort, httpsPort, upstreamPort: app.port, cert: path.join(dir, 'fullchain.pem'), key: path.join(dir, 'privkey.pem') });
    fs.writeFileSync(path.join(dir, 'dslkit.conf'), site);
    // What Debian's /etc/nginx/nginx.conf gives the site, with every file nginx writes kept in this folder.
    fs.writeFileSync(path.join(dir, 'nginx.conf'), [
      'daemon off;', 'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {', '  include /etc/nginx/mime.types;', '  default_type application/octet-stream;', `  access_log ${dir}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
      `  include ${dir}/dslkit.conf;`, '}', '',
    ].join('\n'));
    nginx = spawn(nginxBinary!, ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (c: Buffer) => nginxLog.push(String(c)));
    nginx.stderr!.on('data', (c: Buffer) => nginxLog.push(String(c)));
    proxy = `https://127.0.0.1:${httpsPort}`;
    plain = `http://127.0.0.1:${httpPort}`;
    for (let i = 0; ; i++) {
      const up = await send(`${proxy}/api/health`, { ca }).then((r) => r.status, () => 0);
      if (up === 200) break;
      if (nginx.exitCode !== null || i > 100) throw new Error(`nginx did not start:\n${nginxLog.join('')}${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) { nginx.kill('SIGQUIT'); await new Promise((r) => nginx.once('exit', r)); }
    await app?.stop();
    fx?.cleanup();
  });

  it('sends plain HTTP to HTTPS, and answers over TLS with HSTS', async () => {
    const redirect = await send(`${plain}/staff/login`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('https://127.0.0.1/staff/login');
    const health = await send(`${proxy}/api/health`, { ca });
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(health.headers.server).toBe('nginx'); // server_tokens off: no version
    expect((await send(`${proxy}/metrics`, { ca })).status).toBe(404); // metrics stay on this machine
  });

  it('sets the staff cookies Secure through the proxy', async () => {
    const login = await send(`${proxy}/staff/login`, { ca });
    expect(login.status).toBe(200);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/; Secure/);
  });

  /** One failed sign-in (the real form: its CSRF cookie and token first), claiming `forwardedFor`; returns the status. */
  async function failedSignIn(base: string, from: string, forwardedFor: string, email: string): Promise<number> {
    const tls = base.startsWith('https') ? { ca } : {};
    const page = await send(`${base}/staff/login`, { from, headers: { 'x-forwarded-for': forwardedFor }, ...tls });
    const cookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('dslkit_login_csrf='))!;
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body.toString())![1];
    const res = await send(`${base}/staff/login`, {
      method: 'POST', from, ...tls,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: new URLSearchParams({ _csrf: token, email, password: 'not the password' }).toString(),
    });
    return res.status;
  }

  // The sign-in limiter allows 5 failures for one account from one client address in 15 minutes, then answers 429: it shows which address dslkit believed.
  it('takes client addresses from X-Forwarded-For only as nginx sets it; a forged one is not believed, through the proxy or directly', async () => {
    // Through nginx from one client, each attempt forging another address: the 6th is refused, so the forged header was dropped.
    const viaProxy = [];
    for (let i = 1; i <= 6; i++) viaProxy.push(await failedSignIn(proxy, '127.0.1.11', `203.0.113.${i}`, 'proxied@council.invalid'));
    expect(viaProxy).toEqual([401, 401, 401, 401, 401, 429]);
    // Another client through the same nginx is counted on its own: dslkit does use the address nginx forwards (not nginx's own).
    expect(await failedSignIn(proxy, '127.0.2.12', '203.0.113.1', 'proxied@council.invalid')).toBe(401);
    // Straight to dslkit's port, skipping nginx, forging X-Forwarded-For: counted against the real address all the same.
    const direct = [];
    for (let i = 1; i <= 6; i++) direct.push(await failedSignIn(app.url, '127.0.3.13', `198.51.100.${i}`, 'direct@council.invalid'));
    expect(direct).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('gzips pages and stylesheets dslkit sends uncompressed', async () => {
    const css = await send(`${proxy}/govuk/govuk-frontend.min.css`, { ca, headers: { 'accept-encoding': 'gzip' } });
    expect(css.status).toBe(200);
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers.vary).toMatch(/Accept-Encoding/i);
    const direct = await send(`${app.url}/govuk/govuk-frontend.min.css`);
    expect(zlib.gunzipSync(css.body).equals(direct.body)).toBe(true);
    expect(css.headers['cache-control']).toBe(direct.headers['cache-control']);
    const page = await send(`${proxy}/staff/login`, { ca, headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers['content-encoding']).toBe('gzip');
  });

  it('passes the pre-compressed respondent assets through unchanged: encoding, Vary, a year immutable, the same bytes', async () => {
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(fs.readFileSync(path.join(clientDistDir, 'index.html'), 'utf8'))![1];
    for (const acceptEncoding of ['br, gzip', 'gzip', 'identity']) {
      const direct = await send(`${app.url}${script}`, { headers: { 'accept-encoding': acceptEncoding } });
      const proxied = await send(`${proxy}${script}`, { ca, headers: { 'accept-encoding': acceptEncoding } });
      expect(proxied.status).toBe(200);
      expect(proxied.headers['content-encoding']).toBe(direct.headers['content-encoding']);
      expect(proxied.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(proxied.headers.vary).toBe('Accept-Encoding');
      expect(proxied.body.equals(direct.body)).toBe(true);
    }
    const br = await send(`${proxy}${script}`, { ca, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
  });

  it('takes a survey submission, refuses a body over 64 KB with problem+json, and lets one of exactly 64 KB reach dslkit', async () => {
    const submit = (token: string, body: string) => send(`${proxy}/api/s/${token}/submit`, { ca, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ok = await submit(fx.tokens[0], JSON.stringify({ data: completeAnswers(fx.instruments, seededRandom(1)) }));
    expect(ok.status, ok.body.toString()).toBe(200);
    const pad = (size: number) => { const head = '{"data":{},"pad":"'; return head + 'x'.repeat(size - head.length - 2) + '"}'; };
    const tooLarge = await submit(fx.tokens[1], pad(64 * 1024 + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['content-type']).toMatch(/^application\/problem\+json/);
    const direct = await send(`${app.url}/api/s/${fx.tokens[1]}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: pad(64 * 1024 + 1) });
    expect(direct.status).toBe(413);
    expect(JSON.parse(tooLarge.body.toString())).toEqual(JSON.parse(direct.body.toString())); // nginx answers as dslkit would
    const atLimit = await submit(fx.tokens[1], pad(64 * 1024));
    expect(atLimit.status).not.toBe(413); // dslkit read it and judged the answers (refused: "pad" is not an answer)
    expect(atLimit.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(atLimit.headers['strict-transport-security']).toBeDefined(); // dslkit's own answer, not nginx's
  });
});
