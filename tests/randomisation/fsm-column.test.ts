// Tests `dslkit randomise --fsm-column` (issue 13): niesr-fsm-median blocks on the FSM variable chosen (Appendix D used pnumfsmever), in a CSV or on a trial's imported ever-FSM covariate; the column is recorded in the allocation's provenance, --verify re-derives it, and randomisations made without it keep their input SHA-256.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { readAudit } from '../../server/storage/audit-repo';
import { getRandomisation } from '../../server/storage/allocation-repo';
import { parseCsv } from '../../server/domain/csv';
import { captureIo, tempDir } from '../helpers/temp';
import { loadReportData } from '../../server/storage/report-data-repo';
import { blockingText } from '../../reports/view-models/design-table';
import { isAllocated } from '../../reports/view-models/outcomes';

const sample = path.join(__dirname, '../fixtures/randomisation/schools-gias-sample.csv');
const clock = () => new Date('2026-03-02T09:00:00Z');
let dir: ReturnType<typeof tempDir>;
let dbFile: string;
beforeEach(() => { dir = tempDir(); dbFile = path.join(dir.dir, 'r.db'); });
afterEach(() => dir.cleanup());

async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli(args, c.io, { DSLKIT_DB: dbFile, DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, clock);
  return { code, out: c.out(), err: c.err() };
}
const file = (name: string) => path.join(dir.dir, name);
const sampleRows = () => parseCsv(fs.readFileSync(sample, 'utf8')).rows.map((r) => r.values);
/** An ever-FSM figure for each school that orders the schools differently from PercentageFSM. */
const everFsm = (urn: number) => Number((((urn * 7919) % 5000) / 100).toFixed(2));
const allocationRows = (text: string) => parseCsv(text.split('\n').slice(1).join('\n')).rows.map((r) => r.values);

describe('randomise --fsm-column on a CSV', () => {
  it('blocks on the named column: the same allocation as the file with that column copied into PercentageFSM; --verify re-derives it from the header', async () => {
    const rows = sampleRows();
    const header = Object.keys(rows[0]);
    const withEver = [[...header, 'pnumfsmever'].join(','), ...rows.map((r) => [...header.map((h) => r[h]), String(everFsm(Number(r.URN)))].join(','))].join('\n') + '\n';
    fs.writeFileSync(file('ever.csv'), withEver);
    const swapped = [header.join(','), ...rows.map((r) => header.map((h) => (h === 'PercentageFSM' ? String(everFsm(Number(r.URN))) : r[h])).join(','))].join('\n') + '\n';
    fs.writeFileSync(file('swapped.csv'), swapped);
    const a = await cli('randomise', file('ever.csv'), '--seed', '3837398', '--method', 'niesr-fsm-median', '--fsm-column', 'pnumfsmever', '--out', file('a.csv'));
    expect(a.code).toBe(0);
    expect(a.err).toMatch(/median % FSM [\d.]+ \(pnumfsmever\)/);
    const b = await cli('randomise', file('swapped.csv'), '--seed', '3837398', '--method', 'niesr-fsm-median', '--out', file('b.csv'));
    expect(b.code).toBe(0);
    const textA = fs.readFileSync(file('a.csv'), 'utf8');
    expect(JSON.parse(textA.split('\n')[0].replace('# dslkit-allocation ', ''))).toMatchObject({ method: 'niesr-fsm-median', fsmColumn: 'pnumfsmever' });
    expect(fs.readFileSync(file('b.csv'), 'utf8').split('\n')[0]).not.toContain('fsmColumn'); // the default column leaves the header as it always was
    expect(allocationRows(textA)).toEqual(allocationRows(fs.readFileSync(file('b.csv'), 'utf8')));
    // and it is not the allocation PercentageFSM gives (the column made a difference)
    const c = await cli('randomise', sample, '--seed', '3837398', '--method', 'niesr-fsm-median', '--out', file('c.csv'));
    expect(c.code).toBe(0);
    expect(allocationRows(fs.readFileSync(file('c.csv'), 'utf8'))).not.toEqual(allocationRows(textA));
    const verify = await cli('randomise', '--verify', file('a.csv'), file('ever.csv'));
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^match: a\.csv re-derived exactly from ever\.csv/);
    const other = await cli('randomise', '--verify', file('a.csv'), file('swapped.csv'));
    expect(other.code).toBe(1); // a different schools file: no pnumfsmever column
  });

  it('is refused with another method, and a column the file lacks is named', async () => {
    const r = await cli('randomise', sample, '--seed', '1', '--fsm-column', 'pnumfsmever');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--fsm-column chooses the FSM variable of --method niesr-fsm-median');
    const m = await cli('randomise', sample, '--seed', '1', '--method', 'niesr-fsm-median', '--fsm-column', 'pnumfsmever');
    expect(m.code).toBe(1);
    expect(m.err).toContain('schools-gias-sample.csv: line 1: no column "pnumfsmever"');
  });
});

describe('randomise --trial --fsm-column PNUMFSMEVER (the imported ever-FSM covariate)', () => {
  async function trialWithCovariates(id: string, covariates: (urn: number) => string = (urn) => String(everFsm(urn))): Promise<number[]> {
    expect((await cli('trial', 'create', '--id', id, '--title', id)).code).toBe(0);
    expect((await cli('import', 'schools', sample, '--trial', id)).code).toBe(0);
    const urns = sampleRows().map((r) => Number(r.URN));
    fs.writeFileSync(file('census.csv'), ['URN,PNUMFSMEVER,PNUMEAL', ...urns.map((u) => `${u},${covariates(u)},12.5`)].join('\n') + '\n');
    const imp = await cli('import', 'covariates', '--trial', id, file('census.csv'));
    expect(imp.err).toBe('');
    return urns;
  }

  it('blocks on the covariate, records the column, and the stored allocation re-derives with --verify', async () => {
    const urns = await trialWithCovariates('ever');
    const r = await cli('randomise', '--trial', 'ever', '--seed', '3837398', '--method', 'niesr-fsm-median', '--fsm-column', 'pnumfsmever', '--out', file('ever.csv'));
    expect(r.err).toContain('(PNUMFSMEVER)');
    expect(r.code).toBe(0);
    const input = fs.readFileSync(file('ever.input.csv'), 'utf8');
    expect(input.split('\n')[0]).toBe('URN,EstablishmentName,LA (code),LA (name),TypeOfEstablishment (name),PhaseOfEducation (name),NumberOfPupils,PercentageFSM,UrbanRural (name),OfstedRating (name),PNUMFSMEVER');
    const db = openDatabase(dbFile);
    const stored = getRandomisation(db, 'ever')!;
    expect(stored.fsmColumn).toBe('PNUMFSMEVER');
    expect(stored.inputSha256).toBe(crypto.createHash('sha256').update(input).digest('hex'));
    const audit = readAudit(db, { trialId: 'ever' }).find((e) => e.action === 'randomise')!;
    expect(audit.detail).toMatchObject({ fsmColumn: 'PNUMFSMEVER', fsmMedian: expect.any(Number) });
    // the blocks follow ever-FSM: the lower half by (PNUMFSMEVER, URN) is fsm-low
    const order = [...urns].sort((a, b) => everFsm(a) - everFsm(b) || a - b);
    const low = new Set(order.slice(0, order.length / 2));
    const strata = db.prepare('SELECT urn, stratum FROM allocations WHERE trial_id = ?').all('ever') as Array<{ urn: number; stratum: string }>;
    expect(strata.every((s) => (s.stratum === 'fsm-low') === low.has(s.urn))).toBe(true);
    db.close();
    expect((await cli('randomise', '--verify', file('ever.csv'), file('ever.input.csv'))).code).toBe(0);
    // dslkit allocation rebuilds the same files from the registry, covariate column included
    const again = await cli('allocation', '--trial', 'ever', '--out', file('again.csv'));
    expect(again.code).toBe(0);
    expect(fs.readFileSync(file('again.csv'), 'utf8')).toBe(fs.readFileSync(file('ever.csv'), 'utf8'));
    expect(fs.readFileSync(file('again.input.csv'), 'utf8')).toBe(input);
    // the report's design table names the variable and its median, not GIAS's PercentageFSM
    const db2 = openDatabase(dbFile);
    const data = loadReportData(db2, 'ever');
    db2.close();
    expect(data.randomisation!.fsmColumn).toBe('PNUMFSMEVER');
    const sorted = urns.map(everFsm).sort((a, b) => a - b); // 200 schools: R's median() is the mean of the 100th and 101st
    const med = (sorted[99] + sorted[100]) / 2;
    const text = blockingText(data, data.schools.filter(isAllocated));
    expect(text).toContain('2 blocks by % ever-FSM (PNUMFSMEVER) (niesr-fsm-median)');
    expect(text).toContain(`split at the median of ${med.toFixed(1)}% ever-FSM (PNUMFSMEVER)`);
  });

  it('imported covariates leave a randomisation without --fsm-column exactly as before (input SHA-256 over the GIAS columns only)', async () => {
    await trialWithCovariates('plain');
    const r = await cli('randomise', '--trial', 'plain', '--seed', '3837398', '--method', 'niesr-fsm-median', '--out', file('plain.csv'));
    expect(r.code).toBe(0);
    const input = fs.readFileSync(file('plain.input.csv'), 'utf8');
    expect(input.split('\n')[0]).not.toContain('PNUMFSMEVER');
    // the same allocation as the GIAS file randomised on its own, made before covariates existed
    const fromFile = await cli('randomise', file('plain.input.csv'), '--seed', '3837398', '--method', 'niesr-fsm-median', '--out', file('file.csv'));
    expect(fromFile.code).toBe(0);
    expect(fs.readFileSync(file('file.csv'), 'utf8')).toBe(fs.readFileSync(file('plain.csv'), 'utf8'));
    const db = openDatabase(dbFile);
    expect(getRandomisation(db, 'plain')!.fsmColumn).toBe('PercentageFSM');
    db.close();
    expect((await cli('randomise', '--verify', file('plain.csv'), file('plain.input.csv'))).code).toBe(0);
  });

  it('refuses a column that is not an FSM variable, and schools without the covariate, naming them', async () => {
    await trialWithCovariates('gaps', (urn) => (urn % 50 === 0 ? 'SUPP' : String(everFsm(urn))));
    const eal = await cli('randomise', '--trial', 'gaps', '--seed', '1', '--method', 'niesr-fsm-median', '--fsm-column', 'PNUMEAL');
    expect(eal.code).toBe(1);
    expect(eal.err).toContain('--fsm-column "PNUMEAL" is not an FSM variable dslkit holds for a trial: use PercentageFSM (GIAS, the default) or PNUMFSMEVER');
    const gaps = await cli('randomise', '--trial', 'gaps', '--seed', '1', '--method', 'niesr-fsm-median', '--fsm-column', 'PNUMFSMEVER');
    expect(gaps.code).toBe(1);
    const missing = sampleRows().map((r) => Number(r.URN)).filter((u) => u % 50 === 0);
    expect(gaps.err).toContain(`have no PNUMFSMEVER value (URN ${missing.slice(0, 10).join(', ')}`);
    const db = openDatabase(dbFile);
    expect(getRandomisation(db, 'gaps')).toBeUndefined();
    db.close();
  });

  it('once the allocation is locked, the ever-FSM values it blocked on cannot change; other covariates can', async () => {
    const urns = await trialWithCovariates('locked');
    expect((await cli('randomise', '--trial', 'locked', '--seed', '7', '--method', 'niesr-fsm-median', '--fsm-column', 'PNUMFSMEVER')).code).toBe(0);
    fs.writeFileSync(file('fix.csv'), `URN,PNUMFSMEVER,PNUMEAL\n${urns[0]},${everFsm(urns[0])},20\n${urns[1]},${everFsm(urns[1]) + 1},12.5\n`);
    const r = await cli('import', 'covariates', '--trial', 'locked', file('fix.csv'));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`fix.csv: line 3: PNUMFSMEVER URN ${urns[1]}: the randomisation of trial "locked" blocked on PNUMFSMEVER = ${everFsm(urns[1])}; it is locked, so this value cannot change`);
    fs.writeFileSync(file('eal.csv'), `URN,PNUMFSMEVER,PNUMEAL\n${urns[0]},${everFsm(urns[0])},20\n`);
    const ok = await cli('import', 'covariates', '--trial', 'locked', file('eal.csv'));
    expect(ok.out).toContain('0 values added, 1 changed, 1 unchanged');
    expect((await cli('allocation', '--trial', 'locked', '--out', file('l.csv'))).code).toBe(0);
    expect((await cli('randomise', '--verify', file('l.csv'), file('l.input.csv'))).code).toBe(0);
  });
});
