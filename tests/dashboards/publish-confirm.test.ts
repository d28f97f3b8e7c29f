// Publishing an LA dashboard: the preview asks for confirmation on a page of its own, and publishing lands on a staff page that says it was published (with the public link).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { signIn, request, type Signed } from '../staff/fixture';
import { officerFixture } from './officer-fixture';

let f: Awaited<ReturnType<typeof officerFixture>>;
let lou: Signed;
let eva: Signed;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  f = await officerFixture();
  lou = await signIn(f, 'la_officer');
  eva = await signIn(f, 'evaluator');
});
afterAll(async () => { await f.close(); });

describe('publish with confirmation', () => {
  it('the preview links to a confirmation page instead of publishing at one click', async () => {
    const html = await (await request(f, lou, 'get', '/staff/la/990')).text();
    expect(html).not.toMatch(/<form method="post" action="\/staff\/la\/990\/publish"/);
    expect(html).toContain('href="/staff/la/990/publish"');
  });

  it('the confirmation page asks, and posting from it publishes and lands on a staff page saying so', async () => {
    const confirm = await request(f, lou, 'get', '/staff/la/990/publish');
    expect(confirm.status).toBe(200);
    const page = text(await confirm.text());
    expect(page).toContain('Are you sure you want to publish');
    expect((await fetch(`${f.server.url}/dashboards/990`)).status).toBe(404); // looking at the question publishes nothing
    const res = await request(f, lou, 'post', '/staff/la/990/publish');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/la/990/published');
    const done = await request(f, lou, 'get', '/staff/la/990/published');
    expect(done.status).toBe(200);
    const donePage = await done.text();
    expect(donePage).toContain('govuk-panel--confirmation');
    expect(text(donePage)).toContain('Dashboard published');
    expect(donePage).toContain('href="/dashboards/990"');
    expect(donePage).toContain('Sign out'); // a staff page, not the public one
    expect((await fetch(`${f.server.url}/dashboards/990`)).status).toBe(200);
  });

  it('evaluators cannot reach the confirmation page (they may not publish)', async () => {
    expect((await request(f, eva, 'get', '/staff/la/990/publish')).status).toBe(403);
  });
});
