// Tests `import responses`: paper returns stored as complete responses marked paper, scored like web ones, counted in response rates, all or nothing with line and column.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, tempDb } from '../helpers/temp';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { openDatabase, type Db } from '../../server/storage/db';
import { importSurveyReturns } from '../../server/storage/paper-response-import-repo';
import { scoresOfResponse, submitResponse } from '../../server/storage/response-repo';
import { fieldworkCounts } from '../../server/storage/fieldwork-repo';
import { readAudit } from '../../server/storage/audit-repo';
import { ValidationError } from '../../shared/errors';
import { runCli } from '../../server/cli';
import { loadReportData } from '../../server/storage/report-data-repo';

const at = '2025-03-01T09:00:00.000Z';
const items = Array.from({ length: 10 }, (_, i) => `pss10_${String(i + 1).padStart(2, '0')}`);
const HEADER = ['dsl_id', 'date', ...items].join(',');
// PSS-10 (Cohen & Williamson 1988): items 4, 5, 7, 8 reversed (4 - x), then summed.
// 0,1,2,3,4,0,1,2,3,4 -> 0+1+2+(4-3)+(4-4)+0+(4-1)+(4-2)+3+4 = 16.
const ROW1 = '0,1,2,3,4,0,1,2,3,4';
const ROW2 = '2,2,2,2,2,2,2,2,2,2'; // 20

let t: ReturnType<typeof tempDb>;
let db: Db;
let f: SurveyFixture;
const opts = () => ({ trialId: 'fixture', wave: 'baseline', source: 'returns.csv', enteredBy: 'admin@institute', actor: 'cli:test', at });
beforeEach(() => { t = tempDb(); db = t.db; f = seedSurveyFixture(db, crypto.randomBytes(32), { dsls: 4, invite: 3 }); });
afterEach(() => t.cleanup());

function errorOf(fn: () => unknown): ValidationError {
  try { fn(); } catch (e) { if (e instanceof ValidationError) return e; throw e; }
  throw new Error('expected a ValidationError');
}
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('import responses', () => {
  const file = () => `${HEADER}\ndsl-fixture-1,2025-02-10,${ROW1}\ndsl-fixture-2,2025-02-11,${ROW2}\n`;

  it('stores scored paper responses with who entered them; a re-import changes nothing', () => {
    expect(importSurveyReturns(db, file(), opts())).toMatchObject({ rows: 2, added: 2, unchanged: 0 });
    const rows = db.prepare(`SELECT r.id, r.dsl_id, r.status, r.submitted_at, r.invitation_id, p.source, p.entered_by, p.completed_on
      FROM responses r JOIN response_sources p ON p.response_id = r.id ORDER BY r.dsl_id`).all() as Array<Record<string, unknown>>;
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
      { dsl_id: 'dsl-fixture-1', status: 'complete', submitted_at: '2025-02-10T00:00:00.000Z', invitation_id: f.dsls[0].invitationId, source: 'paper', entered_by: 'admin@institute', completed_on: '2025-02-10' },
      { dsl_id: 'dsl-fixture-2', status: 'complete', submitted_at: '2025-02-11T00:00:00.000Z', invitation_id: f.dsls[1].invitationId, source: 'paper', entered_by: 'admin@institute', completed_on: '2025-02-11' },
    ]);
    expect(scoresOfResponse(db, rows[0].id as number).find((s) => s.scale === 'total')?.value).toBe(16);
    expect(scoresOfResponse(db, rows[1].id as number).find((s) => s.scale === 'total')?.value).toBe(20);
    const before = { responses: count('responses'), snapshots: count('response_snapshots'), scores: count('scores'), sources: count('response_sources') };
    expect(importSurveyReturns(db, file(), opts())).toMatchObject({ rows: 2, added: 0, unchanged: 2 });
    expect({ responses: count('responses'), snapshots: count('response_snapshots'), scores: count('scores'), sources: count('response_sources') }).toEqual(before);
    expect(readAudit(db).filter((e) => e.action === 'import.responses')[0].detail).toMatchObject({ wave: 'baseline', rows: 2, added: 0, unchanged: 2 });
  });

  it('takes --date for rows without one and scores with one item missing as the web does', () => {
    const text = `dsl_id,${items.join(',')}\ndsl-fixture-3,${ROW2.replace(/^2,/, ',')}\n`;
    expect(importSurveyReturns(db, text, { ...opts(), date: '2025-02-20' })).toMatchObject({ added: 1 });
    const r = db.prepare("SELECT r.id, p.completed_on FROM responses r JOIN response_sources p ON p.response_id = r.id WHERE r.dsl_id = 'dsl-fixture-3'").get() as { id: number; completed_on: string };
    expect(r.completed_on).toBe('2025-02-20');
    expect(scoresOfResponse(db, r.id).find((s) => s.scale === 'total')?.value).not.toBeNull();
  });

  it('reports every bad row with its line and column and writes nothing', () => {
    submitResponse(db, { invitationId: f.dsls[2].invitationId, dslId: 'dsl-fixture-3', waveId: f.waveId, instruments: f.instruments }, Object.fromEntries(items.map((id) => [id, 1])), at);
    const web = { responses: count('responses'), scores: count('scores') };
    const bad = [HEADER,
      `dsl-fixture-1,2025-02-31,${ROW1}`,
      `dsl-fixture-2,2025-02-11,${ROW1.replace(/^0,1/, '5,x')}`,
      `dsl-fixture-3,2025-02-11,${ROW1}`,
      `dsl-fixture-4,2025-02-11,${ROW1}`,
      `dsl-nobody,2025-02-11,${ROW1}`,
      `dsl-fixture-1,2025-04-11,${ROW1}`,
      `dsl-fixture-2,2025-02-11,,,2,3,4,0,1,2,3,4`].join('\n') + '\n';
    expect(errorOf(() => importSurveyReturns(db, bad, opts())).message.split('\n')).toEqual([
      'returns.csv: line 2: date "2025-02-31" is not a date written YYYY-MM-DD',
      'returns.csv: line 3: pss10_01 "5" is not one of 0, 1, 2, 3, 4',
      'returns.csv: line 3: pss10_02 "x" is not one of 0, 1, 2, 3, 4',
      'returns.csv: line 4: dsl_id dsl-fixture-3 already has a web response to the baseline wave; nothing was imported',
      'returns.csv: line 5: dsl_id dsl-fixture-4 was not invited to the baseline wave (dslkit invitations --trial fixture --wave baseline)',
      'returns.csv: line 6: dsl_id dsl-nobody is not a DSL in trial "fixture"',
      'returns.csv: line 7: dsl_id dsl-fixture-1 also appears on line 2',
      'returns.csv: line 7: date 2025-04-11 is after today (2025-03-01)',
      'returns.csv: line 8: dsl_id dsl-fixture-2 also appears on line 3',
      'returns.csv: line 8: pss10_01 is blank, so the return cannot be scored: Perceived stress (pss10@1) needs 9 of its 10 items answered and has 8',
      'returns.csv: line 8: pss10_02 is blank, so the return cannot be scored: Perceived stress (pss10@1) needs 9 of its 10 items answered and has 8',
    ]);
    expect({ responses: count('responses'), scores: count('scores') }).toEqual(web);
    expect(count('response_sources')).toBe(0);
    expect(readAudit(db).filter((e) => e.action === 'import.responses')).toEqual([]);
  });

  it('names bad headers: no dsl_id, no date, an item that is not one', () => {
    expect(errorOf(() => importSurveyReturns(db, 'who,pss10_01,pss10_11\nx,1,1\n', opts())).message.split('\n')).toEqual([
      'returns.csv: line 1: dsl_id is missing',
      'returns.csv: line 1: date is missing (or give --date YYYY-MM-DD)',
      'returns.csv: line 1: pss10_11 is not an item of pss10@1',
    ]);
  });

  it('counts paper returns as responses in fieldwork (paper shown apart) and dslkit fieldwork --json', async () => {
    submitResponse(db, { invitationId: f.dsls[2].invitationId, dslId: 'dsl-fixture-3', waveId: f.waveId, instruments: f.instruments }, Object.fromEntries(items.map((id) => [id, 1])), at);
    const csv = path.join(t.dir, 'returns.csv');
    fs.writeFileSync(csv, file());
    db.close();
    const c = captureIo();
    expect(await runCli(['import', 'responses', '--trial', 'fixture', '--wave', 'baseline', '--entered-by', 'R. Clerk', csv, '--db', t.file], c.io, {}, () => new Date(at))).toBe(0);
    expect(c.out()).toBe('returns.csv: 2 returns: 2 added as paper responses, 0 unchanged\n');
    const j = captureIo();
    expect(await runCli(['fieldwork', '--trial', 'fixture', '--wave', 'baseline', '--json', '--db', t.file], j.io, {}, () => new Date(at))).toBe(0);
    expect(JSON.parse(j.out()).rows).toEqual([expect.objectContaining({ arm: 'intervention', invited: 3, complete: 3, paper: 2, rate: 1 })]);
    const again = openDatabase(t.file);
    expect(fieldworkCounts(again, 'fixture')).toEqual([expect.objectContaining({ invited: 3, complete: 3, paper: 2 })]);
    // the arm-comparison report's response-rate table counts complete responses of the wave: the two paper ones and the web one
    expect(loadReportData(again, 'fixture').waveResponses.filter((r) => r.status === 'complete').map((r) => r.dslId)).toEqual(['dsl-fixture-1', 'dsl-fixture-2', 'dsl-fixture-3']);
    expect(again.prepare("SELECT entered_by FROM response_sources").all()).toEqual([{ entered_by: 'R. Clerk' }, { entered_by: 'R. Clerk' }]);
    again.close();
    fs.writeFileSync(csv, `${HEADER}\ndsl-fixture-4,2025-02-10,${ROW1}\n`);
    const e = captureIo();
    expect(await runCli(['import', 'responses', '--trial', 'fixture', '--wave', 'baseline', csv, '--db', t.file], e.io, {}, () => new Date(at))).toBe(1);
    expect(e.err()).toContain('returns.csv: line 2: dsl_id dsl-fixture-4 was not invited');
  });
});

