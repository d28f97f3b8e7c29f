// The staff covariates page (issue 13): an evaluator uploads a covariates CSV beside the other imports; the page lists what is held and each import's provenance; a bad file lists every line in the error summary, escaped, and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from './fixture';

let f: StaffFixture;
let evaluator: Signed;
beforeAll(async () => { f = await staffFixture(); evaluator = await signIn(f, 'evaluator'); }, 60_000);
afterAll(async () => { await f.close(); });

async function upload(text: string, filename: string): Promise<{ status: number; body: string }> {
  const form = new FormData();
  form.append('_csrf', evaluator.csrf);
  form.append('file', new Blob([text], { type: 'text/csv' }), filename);
  const res = await fetch(`${f.server.url}/staff/trials/${f.ids.trial}/covariates`, { method: 'POST', body: form, headers: { cookie: evaluator.cookie, accept: 'text/html' }, redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}
const held = () => (f.server.deps.db.prepare("SELECT count(*) AS n FROM school_covariates WHERE trial_id = 't1'").get() as { n: number }).n;

describe('staff covariates page', () => {
  it('is linked from the trial page and lists nothing before an import', async () => {
    expect(await (await request(f, evaluator, 'get', `/staff/trials/${f.ids.trial}`)).text()).toContain(`href="/staff/trials/${f.ids.trial}/covariates"`);
    const page = await request(f, evaluator, 'get', `/staff/trials/${f.ids.trial}/covariates`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('No covariates imported yet.');
  });

  it('a bad file: every line in the error summary, cells escaped, nothing stored', async () => {
    const r = await upload('URN,PNUMEAL,PSENELK\n100001,<script>alert(1)</script>,5\n100002,12,101\n', 'bad<b>.csv');
    expect(r.status).toBe(400);
    expect(r.body).toContain('govuk-error-summary');
    expect(r.body).toContain('Line 2: PNUMEAL: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; is not a percentage');
    expect(r.body).toContain('Line 3: PSENELK: 101 is outside 0 to 100 (a percentage)');
    expect(r.body).not.toContain('<script>alert');
    expect(held()).toBe(0);
  });

  it('imports, says what it did, and shows the provenance; the same file again changes nothing', async () => {
    const csv = 'URN,PNUMFSMEVER,PNUMEAL\n100001,26.7,28.9\n100002,31.5,SUPP\n100003,12,\n100004,40,55\n';
    const r = await upload(csv, 'census-2019.csv');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Imported PNUMFSMEVER, PNUMEAL for 4 schools from census-2019.csv: 8 values added, 0 changed, 0 unchanged.');
    expect(held()).toBe(8);
    const page = await (await request(f, evaluator, 'get', `/staff/trials/${f.ids.trial}/covariates`)).text();
    expect(page).toContain('census-2019.csv');
    expect(page).toMatch(/<td[^>]*>PNUMEAL<\/td>\s*<td[^>]*>2<\/td>\s*<td[^>]*>2<\/td>/); // 2 with a value, 2 missing (SUPP, blank)
    const again = await upload(csv, 'census-2019.csv');
    expect(again.body).toContain('0 values added, 0 changed, 8 unchanged.');
    expect((f.server.deps.db.prepare("SELECT count(*) AS n FROM covariate_imports WHERE trial_id = 't1'").get() as { n: number }).n).toBe(1);
  });

  it('is for evaluators only', async () => {
    const supervisor = await signIn(f, 'supervisor');
    expect((await request(f, supervisor, 'get', `/staff/trials/${f.ids.trial}/covariates`)).status).toBe(403);
  });
});
