// Proof on a fixture built to tempt disclosure: no published page (site route or `dslkit publish`) shows a count from 1 to 5,
// a mean of fewer than 10 people, a school name or a DSL id; the public page is the published snapshot, not live data.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { captureIo, tempDir } from '../helpers/temp';
import { runCli } from '../../server/cli';
import { seedTemptingFixture, schoolNames, TEMPT_LA } from './tempting-fixture';
import { parseTables, countValue, type ParsedTable } from './html-tables';
import { pageEquations, recoverableFromPage } from './page-equations';
import { publishDashboard } from '../../server/http/dashboards/dashboard-service';
import { loadDashboardFacts } from '../../server/storage/dashboard-repo';
import { readAudit } from '../../server/storage/audit-repo';

let server: TestServer;
let fixture: ReturnType<typeof seedTemptingFixture>;
const out = tempDir('dslkit-publish-');

beforeAll(async () => {
  server = await startTestServer({ clock: () => new Date('2025-07-20T12:00:00Z') });
  fixture = seedTemptingFixture(server.deps.db);
});
afterAll(async () => { await server.close(); out.cleanup(); });

/** A GET with exactly the given headers (fetch would add Accept-Encoding and decompress), body left as sent. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const waveOf: Record<string, string> = { Baseline: 'baseline', Endline: 'endline' };
const armOf: Record<string, 'intervention' | 'control'> = { Intervention: 'intervention', Control: 'control' };

/** Every check a published page must pass; returns how many count cells and means it looked at (so a page with no tables cannot pass vacuously). */
function assertNothingDisclosive(html: string): { counts: number; means: number; hidden: number } {
  let counts = 0;
  let means = 0;
  let hidden = 0;
  const tables: ParsedTable[] = parseTables(html);
  for (const t of tables) {
    const head = t.rows[0].map((c) => c.text);
    const meanCol = head.indexOf('Mean');
    for (const row of t.rows.slice(1)) {
      for (const cell of row) {
        // No cell of any kind may be a bare whole number from 1 to 5.
        expect(/^[1-5]$/.test(cell.text), `"${cell.text}" in table "${t.caption}"`).toBe(false);
        if (cell.kind === 'count') {
          const v = countValue(cell.text);
          counts++;
          if (v === null) hidden++;
          else expect(v === 0 || v >= 6, `count ${v} in "${t.caption}"`).toBe(true);
        }
      }
      if (meanCol >= 0 && row[meanCol].text !== 'c') {
        // A shown mean: the fixture's own count of DSLs with a score in that wave and arm must be at least 10.
        means++;
        expect(fixture.scoredCount(waveOf[row[0].text], armOf[row[1].text]), `mean shown for ${row[0].text} ${row[1].text}`).toBeGreaterThanOrEqual(10);
      }
    }
  }
  for (const name of schoolNames) expect(html).not.toContain(name);
  for (const d of fixture.dsls) expect(html).not.toContain(d.id);
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain('Counts from 1 to 5 are not shown');
  // No hidden count follows from the sums between the page's tables (participation, means, distributions, schools, sessions).
  expect(recoverableFromPage(pageEquations(html))).toEqual([]);
  return { counts, means, hidden };
}

describe('the tempting fixture really tempts', () => {
  it('has counts from 1 to 5 and a group of 9 respondents in the raw facts', () => {
    const facts = loadDashboardFacts(server.deps.db, TEMPT_LA.code, '2025-07-20T12:00:00Z');
    const trial = facts.studies.find((s) => s.id === 'tempt')!;
    const control = trial.schools.filter((s) => s.group === 'Control').length;
    expect(control).toBe(3); // three control schools: a count from 1 to 5
    expect(fixture.scoredCount('baseline', 'control')).toBe(9); // the group of 9 respondents
    expect(trial.dsls.filter((d) => d.urn === 900010)).toHaveLength(3); // a school of 3 DSLs
    expect(trial.sessions.filter((s) => s.kind === 'adhoc' && s.mode === 'email')).toHaveLength(1);
  });
});

describe('published dashboards on the tempting fixture', () => {
  it('the public route shows the snapshot and nothing disclosive', async () => {
    const before = await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`);
    expect(before.status).toBe(404); // nothing published yet: never live data
    await publishDashboard(server.deps.db, TEMPT_LA.code, 'test:publisher', new Date('2025-07-20T12:00:00Z'));
    const res = await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const seen = assertNothingDisclosive(html);
    expect(seen.counts).toBeGreaterThan(20);
    expect(seen.hidden).toBeGreaterThan(5);
    expect(seen.means).toBeGreaterThan(0);
    // The control arm's 9 baseline respondents: count shown, mean and CI hidden.
    const wellbeing = parseTables(html).find((t) => t.caption.startsWith('Mental wellbeing (SWEMWBS): mean'))!;
    const controlBaseline = wellbeing.rows.find((r) => r[0].text === 'Baseline' && r[1].text === 'Control')!;
    expect(controlBaseline.map((c) => c.text).slice(2)).toEqual(['9', 'c', 'c']);
    expect(html).toContain('<svg');
    expect(readAudit(server.deps.db).some((a) => a.action === 'dashboard.publish' && a.actor === 'test:publisher')).toBe(true);
  });

  it('the public page keeps showing the snapshot after live data change', async () => {
    const first = await (await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`)).text();
    server.deps.db.prepare("UPDATE trials SET title = 'Renamed trial' WHERE id = 'tempt'").run();
    const again = await (await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`)).text();
    expect(again).toBe(first);
    expect(again).not.toContain('Renamed trial');
    server.deps.db.prepare("UPDATE trials SET title = 'Tempting trial' WHERE id = 'tempt'").run();
  });

  it('a new publication shows at once on the page and the index, though pages are rendered once per snapshot', async () => {
    const db = server.deps.db;
    const indexBefore = await (await fetch(`${server.url}/dashboards`)).text();
    db.prepare("UPDATE trials SET title = 'Renamed trial' WHERE id = 'tempt'").run();
    await publishDashboard(db, TEMPT_LA.code, 'test:publisher', new Date('2025-07-22T10:00:00Z'));
    const page = await (await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`)).text();
    expect(page).toContain('Renamed trial');
    assertNothingDisclosive(page);
    const indexAfter = await (await fetch(`${server.url}/dashboards`)).text();
    expect(indexBefore).not.toContain('22 July 2025');
    expect(indexAfter).toContain('22 July 2025'); // the index shows the new publication date
    db.prepare("UPDATE trials SET title = 'Tempting trial' WHERE id = 'tempt'").run();
    await publishDashboard(db, TEMPT_LA.code, 'test:publisher', new Date('2025-07-22T11:00:00Z'));
    expect(await (await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`)).text()).not.toContain('Renamed trial');
  });

  it('sends the page gzipped to browsers that accept it, plain to others, and 304 for a current copy', async () => {
    const url = `${server.url}/dashboards/${TEMPT_LA.code}`;
    const plain = await rawGet(url, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toMatch(/^text\/html/);
    const gz = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const etag = String(plain.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const again = await rawGet(url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('dslkit publish --la writes the same kind of page as static files, without JavaScript', async () => {
    const io = captureIo();
    const dir = path.join(out.dir, 'one');
    const code = await runCli(['publish', '--la', TEMPT_LA.code, '--out', dir, '--db', server.deps.config.dbPath], io.io, {}, () => new Date('2025-07-21T08:00:00Z'));
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    assertNothingDisclosive(html);
    expect(html).toContain('href="govuk/govuk-frontend.min.css"');
    expect(fs.existsSync(path.join(dir, 'govuk', 'govuk-frontend.min.css'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'govuk', 'assets', 'fonts')).length).toBeGreaterThan(0);
    // The site now shows the same snapshot as the file (same tables).
    const site = await (await fetch(`${server.url}/dashboards/${TEMPT_LA.code}`)).text();
    expect(parseTables(site)).toEqual(parseTables(html));
  });

  it('dslkit publish --all writes every LA taking part and an index; --snapshot re-writes without publishing', async () => {
    const dir = path.join(out.dir, 'all');
    const io = captureIo();
    expect(await runCli(['publish', '--all', '--out', dir, '--db', server.deps.config.dbPath], io.io)).toBe(0);
    for (const la of ['990', '991']) assertNothingDisclosive(fs.readFileSync(path.join(dir, la, 'index.html'), 'utf8'));
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('href="990/index.html"');
    const published = readAudit(server.deps.db).filter((a) => a.action === 'dashboard.publish').length;
    const io2 = captureIo();
    expect(await runCli(['publish', '--la', '990', '--snapshot', '--out', path.join(out.dir, 'snap'), '--db', server.deps.config.dbPath], io2.io)).toBe(0);
    expect(readAudit(server.deps.db).filter((a) => a.action === 'dashboard.publish').length).toBe(published);
  });

  it('dslkit publish refuses unclear requests with one sentence', async () => {
    const io = captureIo();
    expect(await runCli(['publish', '--out', out.dir, '--db', server.deps.config.dbPath], io.io)).toBe(2);
    expect(io.err()).toContain('give either --la <code> or --all');
    const io2 = captureIo();
    expect(await runCli(['publish', '--la', '999', '--out', out.dir, '--db', server.deps.config.dbPath], io2.io)).toBe(1);
    expect(io2.err()).toContain('There is no local authority with code 999.');
  });
});
