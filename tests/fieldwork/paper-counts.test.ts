// Paper returns counted in response rates as paper (issue 13): the staff fieldwork monitor, the by-school page and its CSV, and the arm-comparison report's response-rate table show how many of the completed responses were paper returns typed in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFixture, type DataFixture } from '../staff/data-fixture';
import { request, signIn, type Signed } from '../staff/fixture';
import { importSurveyReturns } from '../../server/storage/paper-response-import-repo';
import { renderReport } from '../../server/reports/render-trial-report';
import { parseCsv } from '../../server/domain/csv';

let f: DataFixture;
let ev: Signed;
const flat = async (r: Response) => (await r.text()).replace(/\s+/g, ' ');
const report = async () => (await renderReport(f.server.deps.db, { trialId: 't1', kind: 'arm-comparison', clock: () => f.now.t })).replace(/\s+/g, ' ');

beforeAll(async () => { f = await dataFixture(); ev = await signIn(f, 'evaluator'); }, 60_000);
afterAll(async () => { await f.close(); });

describe('paper returns in response rates', () => {
  it('before any paper return: the report has no paper column, the monitor counts 0 on paper', async () => {
    expect(await report()).not.toContain('Of which on paper');
    expect(await flat(await request(f, ev, 'get', '/staff/trials/t1/fieldwork'))).toMatch(/<th scope="col" class="govuk-table__header govuk-table__header--numeric">Of which on paper<\/th>/);
  });

  it('after one: the monitor, the by-school page, its CSV and the report count it apart', async () => {
    // dsl-bbbb (intervention school 100002) has not answered the midpoint (ONS4) wave: its paper return is typed in.
    const r = importSurveyReturns(f.server.deps.db, 'dsl_id,date,ons4_01,ons4_02,ons4_03,ons4_04\ndsl-bbbb,2026-03-01,6,7,5,4\n',
      { trialId: 't1', wave: 'midpoint', source: 'returns.csv', enteredBy: 'R. Clerk', actor: 'test', at: f.now.t.toISOString() });
    expect(r.added).toBe(1);
    const monitor = await flat(await request(f, ev, 'get', '/staff/trials/t1/fieldwork'));
    // by wave: midpoint, 3 invited, 0 partial, 3 complete (2 web + 1 paper), 1 on paper, 100%
    expect(monitor).toMatch(/midpoint<\/td> <td class="govuk-table__cell govuk-table__cell--numeric">3<\/td> <td[^>]*>0<\/td> <td[^>]*>3<\/td> <td[^>]*>1<\/td> <td[^>]*>100%<\/td>/);
    const schools = await flat(await request(f, ev, 'get', `/staff/trials/t1/fieldwork/schools?wave=${f.midWave}`));
    expect(schools).toContain('Of which on paper');
    const csv = parseCsv(await (await request(f, ev, 'get', `/staff/trials/t1/fieldwork/schools.csv?wave=${f.midWave}`)).text());
    expect(csv.rows.map((row) => [row.values.urn, row.values.complete, row.values.paper])).toEqual([['100001', '1', '0'], ['100002', '1', '1'], ['100003', '1', '0']]);
    const html = await report();
    expect(html).toContain('<th scope="col" class="num">Completed</th><th scope="col" class="num">Of which on paper</th>');
    // intervention DSLs at midpoint: dsl-aaaa (web), dsl-bbbb (paper), dsl-cccc (web): 3 invited, 3 completed, 1 on paper
    expect(html).toMatch(/<tr><td>midpoint<\/td><td>Intervention<\/td><td class="num">3<\/td><td class="num">3<\/td><td class="num">1<\/td><td class="num">100%<\/td><\/tr>/);
    expect(html).toMatch(/<tr><td>baseline<\/td><td>Intervention<\/td><td class="num">3<\/td><td class="num">3<\/td><td class="num">0<\/td>/);
  });
});
