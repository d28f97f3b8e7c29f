// The health and readiness endpoints, unknown API routes and configuration validation.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { ConfigError, loadConfig } from '../../server/config';
import { latestSchemaVersion } from '../../server/storage/db';

describe('GET /api/health', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server.close(); });

  it('answers 200 with the schema version of the migrated database', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.schemaVersion).toBe(latestSchemaVersion());
    expect(body.schemaVersion).toBeGreaterThanOrEqual(1);
  });

  it('answers an unknown API path with problem+json 404', async () => {
    const res = await fetch(`${server.url}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = await res.json();
    expect(body).toMatchObject({ status: 404, title: 'Not found' });
  });
});

describe('GET /api/ready', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    fs.writeFileSync(server.deps.config.secretFile, server.deps.secret.toString('hex') + '\n', { mode: 0o600 });
  });
  afterAll(async () => { await server.close(); });

  it('answers 200 with each check when the database is writable, the migrations current and the secret file present', async () => {
    const res = await fetch(`${server.url}/api/ready`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ready', checks: {
      process: 'running', database: 'writable', migrations: `current (schema version ${latestSchemaVersion()} of ${latestSchemaVersion()})`, secret: 'present',
    } });
  });

  it('answers 503 naming the database when it cannot be written', async () => {
    server.deps.db.pragma('query_only = ON'); // SQLite then refuses every write on this connection, as a read-only file or full disk would
    try {
      const res = await fetch(`${server.url}/api/ready`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = await res.json();
      expect(body.detail).toMatch(/^Not ready: database not writable: /);
      expect(body.checks.secret).toBe('present');
    } finally { server.deps.db.pragma('query_only = OFF'); }
  });

  it('answers 503 naming a pending migration', async () => {
    const last = server.deps.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version DESC LIMIT 1').get() as { version: number; name: string; applied_at: string };
    server.deps.db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(last.version);
    try {
      const res = await fetch(`${server.url}/api/ready`);
      expect(res.status).toBe(503);
      expect((await res.json()).checks.migrations).toBe(`pending: ${last.name}`);
    } finally {
      server.deps.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(last.version, last.name, last.applied_at);
    }
  });

  it('answers 503 when the secret file is gone or holds another secret', async () => {
    const file = server.deps.config.secretFile;
    const kept = fs.readFileSync(file);
    try {
      fs.rmSync(file);
      let res = await fetch(`${server.url}/api/ready`);
      expect(res.status).toBe(503);
      expect((await res.json()).detail).toBe(`Not ready: secret ${file} is missing, unreadable or not the secret this server started with.`);
      fs.writeFileSync(file, 'ab'.repeat(32) + '\n');
      res = await fetch(`${server.url}/api/ready`);
      expect(res.status).toBe(503);
    } finally { fs.writeFileSync(file, kept, { mode: 0o600 }); }
    expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);
  });
});

describe('loadConfig', () => {
  it('uses documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dbPath).toMatch(/data\/dslkit\.db$/);
    expect(c.seedDemo).toBe(true);
  });
  it('in production seeds no demo unless asked, and needs DSLKIT_DB', () => {
    expect(loadConfig({ NODE_ENV: 'production', DSLKIT_DB: '/var/lib/dslkit/dslkit.db' })).toMatchObject({ production: true, seedDemo: false, secretFile: path.resolve('/var/lib/dslkit/secret.key') });
    expect(loadConfig({ NODE_ENV: 'production', DSLKIT_DB: '/var/lib/dslkit/dslkit.db', DSLKIT_SEED_DEMO: '1' }).seedDemo).toBe(true);
    expect(loadConfig({}).production).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('NODE_ENV=production needs DSLKIT_DB: set it to the database file\'s path outside the code folder (for example /var/lib/dslkit/dslkit.db).');
  });
  it('reads the Chromium path for PDFs, default Debian\'s', () => {
    expect(loadConfig({}).chromiumPath).toBe('/usr/bin/chromium');
    expect(loadConfig({ DSLKIT_CHROMIUM: '/opt/chromium/chrome' }).chromiumPath).toBe('/opt/chromium/chrome');
  });
  it('believes X-Forwarded-For only from the proxy DSLKIT_TRUST_PROXY names (1: this machine)', () => {
    expect(loadConfig({}).proxyAddresses).toEqual([]);
    expect(loadConfig({ DSLKIT_TRUST_PROXY: '1' })).toMatchObject({ trustProxy: true, proxyAddresses: ['127.0.0.1', '::1'] });
    expect(loadConfig({ DSLKIT_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16' }).proxyAddresses).toEqual(['10.0.0.5', '10.1.0.0/16']);
    expect(() => loadConfig({ DSLKIT_TRUST_PROXY: 'yes' })).toThrow('DSLKIT_TRUST_PROXY="yes" is not valid: DSLKIT_TRUST_PROXY must be 0, 1 (a proxy on this machine) or the proxy\'s IP addresses separated by commas.');
    expect(() => loadConfig({ DSLKIT_TRUST_PROXY: '10.0.0.0/40' })).toThrow(ConfigError);
  });
  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty" is not valid/],
    [{ PORT: '70000' }, /PORT="70000" is not valid/],
    [{ DSLKIT_SEED_DEMO: 'yes' }, /DSLKIT_SEED_DEMO="yes"/],
    [{ DSLKIT_PUBLIC_URL: 'not a url' }, /DSLKIT_PUBLIC_URL/],
  ])('rejects %o with a message naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('start page and HTML 404', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server.close(); });

  it('serves a start page that sends staff to sign in and the public to dashboards', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/staff/login"');
    expect(html).toContain('href="/dashboards"');
    expect(html).not.toContain('synthetic demonstration trial'); // no demo seeded in this database
  });

  it('answers an unknown page with an HTML 404 that links home, and an unknown API path still with problem+json', async () => {
    const page = await fetch(`${server.url}/no/such/page`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Page not found');
    const api = await fetch(`${server.url}/api/nothing`);
    expect(api.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
