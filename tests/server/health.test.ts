// The health endpoint, unknown API routes and configuration validation.
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

describe('loadConfig', () => {
  it('uses documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dbPath).toMatch(/data\/dslkit\.db$/);
    expect(c.seedDemo).toBe(true);
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
