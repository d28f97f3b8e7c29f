// Table 2 of the arm-comparison report (issue 16): the covariates held (ever-FSM, EAL, SEN, KS2 when imported) by arm with n/N (missing), what is not held, where the values came from, and the evaluator's national or LA comparison column (entered on the report-inputs page, escaped, GOV.UK messages); axe-clean in Chromium.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { loadReportData } from '../../server/storage/report-data-repo';
import { saveComparison } from '../../server/storage/report-comparison-repo';
import { renderReport } from '../../server/reports/render-trial-report';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/cli/commands/report';
import { axeViolations } from '../helpers/browser';
import { captureIo, tempDir } from '../helpers/temp';

const clock = () => new Date('2026-03-02T09:00:00Z');
let dir: ReturnType<typeof tempDir>;
let dbFile: string;
async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli(args, c.io, { DSLKIT_DB: dbFile, DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, clock);
  return { code, out: c.out(), err: c.err() };
}
function write(name: string, text: string): string { const f = path.join(dir.dir, name); fs.writeFileSync(f, text); return f; }

// Six schools, arms fixed by an imported allocation: 100001-100003 intervention, 100004-100006 control.
const GIAS = 'URN,EstablishmentName,LA (code),LA (name),NumberOfPupils,PercentageFSM,OfstedRating (name)';
beforeEach(async () => {
  dir = tempDir(); dbFile = path.join(dir.dir, 'r.db');
  expect((await cli('trial', 'create', '--id', 'tab2', '--title', 'Table 2 trial')).code).toBe(0);
  const schools = [1, 2, 3, 4, 5, 6].map((i) => `10000${i},School ${i},350,Bolton,${200 + i * 10},${10 + i},${i % 2 ? 'Good' : 'Outstanding'}`);
  expect((await cli('import', 'schools', write('schools.csv', [GIAS, ...schools].join('\n') + '\n'), '--trial', 'tab2')).code).toBe(0);
  const alloc = write('alloc.csv', 'URN,arm\n100001,intervention\n100002,intervention\n100003,intervention\n100004,control\n100005,control\n100006,control\n');
  expect((await cli('allocation', 'import', '--trial', 'tab2', '--file', alloc, '--method', 'by hand', '--seed', '1', '--software', 'none', '--date', '2026-01-05')).code).toBe(0);
});
afterEach(() => dir.cleanup());

/** Planted values, with the means and SDs worked by hand: ever-FSM I 10, 20, 30 -> 20.0 (10.0); C 40, 50 and SUPP -> 45.0 (7.1), sqrt(50) = 7.07.
 *  EAL I 0, 5 and blank -> 2.5 (3.5), sqrt(12.5) = 3.54; C 1, 2, 3 -> 2.0 (1.0). */
const covariates = 'URN,PNUMFSMEVER,PNUMEAL\n100001,10,0\n100002,20,5\n100003,30,\n100004,40,1\n100005,50,2\n100006,SUPP,3\n';

function table2() {
  const db = openDatabase(dbFile);
  try { return buildArmComparison(loadReportData(db, 'tab2'), clock()).baseline; } finally { db.close(); }
}

describe('Table 2 with the covariates held', () => {
  it('without covariates: GIAS rows only, and a note naming every covariate not held and that no comparison figures were entered', () => {
    const t = table2();
    expect(t.continuous.map((r) => r.label)).toEqual(['% pupils eligible for free school meals', 'Number of pupils on roll']);
    expect(t.comparisonHeading).toBeNull();
    expect(t.notes).toEqual([
      'Not held for this trial, so not shown: % pupils ever eligible for FSM in the past 6 years (PNUMFSMEVER); % pupils whose first language is not English (PNUMEAL); % pupils with SEN support (PSENELK); KS2: % reaching the expected standard in reading, writing and maths (PTRWM_EXP); KS2: % reaching the higher standard in reading, writing and maths (PTRWM_HIGH).',
      'No national or local authority comparison figures have been entered for this table (report inputs).',
    ]);
  });

  it('shows each covariate imported by arm with n/N (missing), says which are not held and which file the others came from', async () => {
    expect((await cli('import', 'covariates', '--trial', 'tab2', write('census-2019.csv', covariates))).code).toBe(0);
    const t = table2();
    const row = (label: string) => t.continuous.find((r) => r.label === label)!;
    expect(row('% pupils ever eligible for FSM in the past 6 years')).toMatchObject({ interventionN: '3/3 (0)', interventionMean: '20.0 (10.0)', controlN: '2/3 (1)', controlMean: '45.0 (7.1)' });
    expect(row('% pupils whose first language is not English')).toMatchObject({ interventionN: '2/3 (1)', interventionMean: '2.5 (3.5)', controlN: '3/3 (0)', controlMean: '2.0 (1.0)' });
    expect(t.continuous.map((r) => r.label)).not.toContain('% pupils with SEN support');
    expect(t.notes[0]).toMatch(/^School covariates beyond GIAS: PNUMFSMEVER, PNUMEAL from census-2019\.csv \(SHA-256 [0-9a-f]{12}…, imported 2 March 2026\)\./);
    expect(t.notes[1]).toBe('Not held for this trial, so not shown: % pupils with SEN support (PSENELK); KS2: % reaching the expected standard in reading, writing and maths (PTRWM_EXP); KS2: % reaching the higher standard in reading, writing and maths (PTRWM_HIGH).');
  });

  it('the comparison column: each figure entered beside its row, – where none, the heading escaped; axe finds nothing', async () => {
    expect((await cli('import', 'covariates', '--trial', 'tab2', write('census-2019.csv', covariates))).code).toBe(0);
    const db = openDatabase(dbFile);
    saveComparison(db, 'tab2', { heading: 'England <b>state-funded</b> primary, 2019', figures: { 'ofsted:Good': 70, 'ofsted:Outstanding': 18.5, fsm_ever: 23, pupils: 281.9 } }, { actor: 'test', at: clock().toISOString() });
    const view = buildArmComparison(loadReportData(db, 'tab2'), clock()).baseline;
    expect(view.comparisonHeading).toBe('England <b>state-funded</b> primary, 2019');
    expect(view.categorical[0]).toMatchObject({ group: 'Ofsted overall effectiveness', rows: [{ label: 'Outstanding', comparison: '18.5%' }, { label: 'Good', comparison: '70%' }] });
    expect(view.continuous.map((r) => [r.label, r.comparison])).toEqual([
      ['% pupils eligible for free school meals', '–'], ['Number of pupils on roll', '281.9'],
      ['% pupils ever eligible for FSM in the past 6 years', '23.0'], ['% pupils whose first language is not English', '–']]);
    expect(view.notes).toContain('Comparison column: England <b>state-funded</b> primary, 2019, as entered by the evaluator (not computed by dslkit); – where no figure was entered.');
    const html = await renderReport(db, { trialId: 'tab2', kind: 'arm-comparison', clock });
    db.close();
    expect(html).toContain('<th scope="col">England &lt;b&gt;state-funded&lt;/b&gt; primary, 2019</th>');
    expect(html).not.toContain('<b>state-funded</b>');
    expect(html).toMatch(/<th scope="row">Good<\/th><td class="num">70%<\/td><td class="num">2\/3 \(0\)<\/td>/);
    if (!fs.existsSync(CHROMIUM_PATH) && !process.env.CI) return;
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const file = write('report.html', html);
      await page.goto(`file://${file}`);
      expect(await axeViolations(page)).toEqual([]);
    } finally { await browser.close(); }
  }, 60_000);
});
