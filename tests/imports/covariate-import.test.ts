// Tests `import covariates` (issue 13): ever-FSM, EAL, SEN support and KS2 from a CSV keyed by URN, all or nothing, every error naming file, line and column, a re-import changing nothing, with provenance (file, SHA-256, date, columns) and an audit entry.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { readAudit } from '../../server/storage/audit-repo';
import { trialCovariates } from '../../server/storage/covariate-repo';
import { captureIo, tempDir } from '../helpers/temp';

const clock = () => new Date('2026-03-02T09:00:00Z');
let dir: ReturnType<typeof tempDir>;
let dbFile: string;

async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli(args, c.io, { DSLKIT_DB: dbFile, DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, clock);
  return { code, out: c.out(), err: c.err() };
}
function write(name: string, text: string): string {
  const f = path.join(dir.dir, name);
  fs.writeFileSync(f, text);
  return f;
}
const GIAS = 'URN,EstablishmentName,LA (code),LA (name),NumberOfPupils,PercentageFSM';
function counts(): Record<string, number> {
  const db = openDatabase(dbFile);
  try {
    return Object.fromEntries(['school_covariates', 'covariate_imports'].map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  } finally { db.close(); }
}

beforeEach(async () => {
  dir = tempDir(); dbFile = path.join(dir.dir, 'cov.db');
  await cli('trial', 'create', '--id', 'cov', '--title', 'Covariates');
  const schools = write('schools.csv', [GIAS, '100001,School A,350,Bolton,300,20.5', '100002,School B,350,Bolton,200,31', '100003,School C,350,Bolton,250,12', '100004,School D,350,Bolton,410,40'].join('\n') + '\n');
  expect((await cli('import', 'schools', schools, '--trial', 'cov')).code).toBe(0);
  // a school dslkit knows that is not in the trial
  expect((await cli('import', 'schools', write('other.csv', `${GIAS}\n200001,Elsewhere,351,Bury,100,10\n`))).code).toBe(0);
});
afterEach(() => dir.cleanup());

describe('dslkit import covariates', () => {
  const good = ['URN,SCHNAME,PNUMFSMEVER,PNUMEAL,PSENELK,PTRWM_EXP,PTRWM_HIGH',
    '100001,School A,26.7,28.9,12.0,63%,10',
    '100002,School B,31.5,0,11.9,SUPP,NE',
    '100003,School C,12.25,4.5,6,70,',
    '100004,School D,40,55,15.5,58,8'].join('\n') + '\n';

  it('imports every covariate with provenance; a re-import of the same file changes nothing', async () => {
    const f = write('ks2-census-2019.csv', good);
    const r = await cli('import', 'covariates', '--trial', 'cov', f);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('ks2-census-2019.csv: 4 schools, PNUMFSMEVER, PNUMEAL, PSENELK, PTRWM_EXP, PTRWM_HIGH: 20 values added, 0 changed, 0 unchanged; 1 other column ignored ("SCHNAME")\n');
    const db = openDatabase(dbFile);
    const held = trialCovariates(db, 'cov');
    expect(held.imports).toEqual([{
      id: 1, source: 'ks2-census-2019.csv', sha256: crypto.createHash('sha256').update(good).digest('hex'), rows: 4, importedAt: '2026-03-02T09:00:00.000Z', importedBy: expect.any(String),
      covariates: { fsm_ever: 'PNUMFSMEVER', eal: 'PNUMEAL', sen_support: 'PSENELK', ks2_expected: 'PTRWM_EXP', ks2_higher: 'PTRWM_HIGH' },
    }]);
    const byKey = (urn: number) => Object.fromEntries(held.values.filter((v) => v.urn === urn).map((v) => [v.covariate, v.value ?? v.missing]));
    expect(byKey(100001)).toEqual({ fsm_ever: 26.7, eal: 28.9, sen_support: 12, ks2_expected: 63, ks2_higher: 10 });
    expect(byKey(100002)).toEqual({ fsm_ever: 31.5, eal: 0, sen_support: 11.9, ks2_expected: 'SUPP', ks2_higher: 'NE' });
    expect(byKey(100003)).toMatchObject({ fsm_ever: 12.25, ks2_higher: 'blank' });
    const audit = readAudit(db, { trialId: 'cov' }).filter((e) => e.action === 'import.covariates');
    expect(audit.map((e) => e.detail)).toEqual([{ source: 'ks2-census-2019.csv', sha256: held.imports[0].sha256, rows: 4, covariates: ['fsm_ever', 'eal', 'sen_support', 'ks2_expected', 'ks2_higher'], added: 20, changed: 0, unchanged: 0 }]);
    db.close();

    const before = counts();
    const again = await cli('import', 'covariates', '--trial', 'cov', f);
    expect(again.out).toContain('0 values added, 0 changed, 20 unchanged');
    expect(counts()).toEqual(before); // no second import recorded, no value rewritten
    const db2 = openDatabase(dbFile);
    expect(trialCovariates(db2, 'cov').values.every((v) => v.importId === 1)).toBe(true);
    db2.close();
  });

  it('a later file with other columns adds them; a changed value replaces the one held and points at its own file', async () => {
    expect((await cli('import', 'covariates', '--trial', 'cov', write('census.csv', 'URN,pnumfsmever\n100001,26.7\n100002,31.5\n'))).code).toBe(0);
    const r = await cli('import', 'covariates', '--trial', 'cov', write('ks2.csv', 'URN,PTRWM_EXP,PNUMFSMEVER\n100001,65,26.7\n100002,70,30\n'));
    expect(r.out).toBe('ks2.csv: 2 schools, PNUMFSMEVER, PTRWM_EXP: 2 values added, 1 changed, 1 unchanged\n');
    const db = openDatabase(dbFile);
    const held = trialCovariates(db, 'cov');
    expect(held.imports.map((i) => [i.source, i.covariates])).toEqual([['census.csv', { fsm_ever: 'pnumfsmever' }], ['ks2.csv', { fsm_ever: 'PNUMFSMEVER', ks2_expected: 'PTRWM_EXP' }]]);
    expect(held.values.map((v) => [v.urn, v.covariate, v.value, v.importId])).toEqual([
      [100001, 'fsm_ever', 26.7, 1], [100001, 'ks2_expected', 65, 2], [100002, 'fsm_ever', 30, 2], [100002, 'ks2_expected', 70, 2]]);
    db.close();
  });

  it('names the file, line and column of every bad cell (unknown and duplicate URN, non-numeric, out of range) and writes nothing', async () => {
    const bad = ['URN,PNUMFSMEVER,PNUMEAL,PTRWM_EXP',
      '100001,26.7,abc,63',
      '100002,101,-0.5,70',
      '999999,10,10,10',
      '200001,10,10,10',
      '100001,20,20,20',
      'URN1,1,1,1',
      '100003,1e2,12 %,=1+1',
      ',5,5,5'].join('\n') + '\n';
    const r = await cli('import', 'covariates', '--trial', 'cov', write('bad.csv', bad));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([
      'bad.csv: line 2: PNUMEAL "abc" is not a percentage (a number from 0 to 100, blank, or one of SUPP, NE, NA, NP, LOWCOV, NEW, x, c, z)',
      'bad.csv: line 3: PNUMFSMEVER 101 is outside 0 to 100 (a percentage)',
      'bad.csv: line 3: PNUMEAL -0.5 is outside 0 to 100 (a percentage)',
      'bad.csv: line 4: URN 999999 is not a known school (import it first: dslkit import schools --trial cov)',
      'bad.csv: line 5: URN 200001 is not a school of trial "cov" (enrol it first: dslkit import schools --trial cov)',
      'bad.csv: line 6: URN 100001 also appears on line 2',
      'bad.csv: line 7: URN "URN1" is not a positive whole number',
      'bad.csv: line 8: PNUMFSMEVER "1e2" is not a percentage (a number from 0 to 100, blank, or one of SUPP, NE, NA, NP, LOWCOV, NEW, x, c, z)',
      'bad.csv: line 8: PTRWM_EXP "=1+1" is not a percentage (a number from 0 to 100, blank, or one of SUPP, NE, NA, NP, LOWCOV, NEW, x, c, z)',
      'bad.csv: line 9: URN is blank',
    ]);
    expect(counts()).toEqual({ school_covariates: 0, covariate_imports: 0 });
  });

  it('refuses a header without URN or without any covariate, or naming one covariate twice', async () => {
    const noUrn = await cli('import', 'covariates', '--trial', 'cov', write('a.csv', 'urn_code,PNUMEAL\n100001,5\n'));
    expect(noUrn.err.trim()).toBe('a.csv: line 1: missing column "URN"');
    const none = await cli('import', 'covariates', '--trial', 'cov', write('b.csv', 'URN,SCHNAME\n100001,A\n'));
    expect(none.err.trim()).toBe('b.csv: line 1: no covariate column: give one or more of PNUMFSMEVER, PNUMEAL, PSENELK, PTRWM_EXP, PTRWM_HIGH');
    const twice = await cli('import', 'covariates', '--trial', 'cov', write('c.csv', 'URN,PNUMEAL,pnumeal\n100001,5,5\n'));
    expect(twice.err.trim()).toBe('c.csv: line 1: pnumeal gives the same covariate (PNUMEAL) as column "PNUMEAL"');
    const empty = await cli('import', 'covariates', '--trial', 'cov', write('d.csv', 'URN,PNUMEAL\n'));
    expect(empty.err.trim()).toBe('d.csv: no schools after the header row');
    const noTrial = await cli('import', 'covariates', write('e.csv', 'URN,PNUMEAL\n100001,5\n'));
    expect(noTrial.code).toBe(2);
    const otherTrial = await cli('import', 'covariates', '--trial', 'nosuch', write('f.csv', 'URN,PNUMEAL\n100001,5\n'));
    expect(otherTrial.code).toBe(1);
    for (const r of [noUrn, none, twice, empty, otherTrial]) expect(r.code).toBe(1);
    expect(counts()).toEqual({ school_covariates: 0, covariate_imports: 0 });
  });
});
