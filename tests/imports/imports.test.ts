// Tests the all-or-nothing imports: line-level messages, nothing written on a bad file, idempotent re-imports, audit entries without personal data.
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import type { Db } from '../../server/storage/db';
import { importSchools } from '../../server/storage/school-repo';
import { importDsls, listDsls } from '../../server/storage/dsl-repo';
import { importOutcomes } from '../../server/storage/outcome-repo';
import { createTrial } from '../../server/storage/trial-repo';
import { readAudit } from '../../server/storage/audit-repo';
import { ValidationError } from '../../shared/errors';

const HEADER = 'URN,EstablishmentName,LA (code),LA (name),TypeOfEstablishment (name),PhaseOfEducation (name),NumberOfPupils,PercentageFSM,UrbanRural (name),OfstedRating (name),Postcode';
const schoolsCsv = [HEADER,
  '100001,Alpha Primary,350,Bolton,Community school,Primary,210,12.5,(England/Wales) Urban city and town,Good,BL1 1AA',
  '100002,Beta Primary,350,Bolton,Academy converter,Primary,,,,,BL1 1AB',
  '100003,"Gamma, St Mary\'s",350,Bolton,Voluntary aided school,Primary,330,40,(England/Wales) Urban city and town,Outstanding,BL1 1AC'].join('\n') + '\n';
const at = '2026-01-05T10:00:00.000Z';
const who = { source: 'schools.csv', actor: 'cli:test', at };

let t: ReturnType<typeof tempDb>;
let db: Db;
beforeEach(() => { t = tempDb(); db = t.db; });
afterEach(() => t.cleanup());

function errorOf(fn: () => unknown): ValidationError {
  try { fn(); } catch (e) { if (e instanceof ValidationError) return e; throw e; }
  throw new Error('expected a ValidationError');
}
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('import schools', () => {
  it('imports, then a re-import changes nothing', () => {
    expect(importSchools(db, schoolsCsv, who)).toMatchObject({ added: 3, changed: 0, unchanged: 0, rows: 3 });
    expect(importSchools(db, schoolsCsv, who)).toMatchObject({ added: 0, changed: 0, unchanged: 3 });
    const beta = db.prepare('SELECT * FROM schools WHERE urn = 100002').get() as Record<string, unknown>;
    expect(beta).toMatchObject({ name: 'Beta Primary', pupils: null, fsm_percent: null, ofsted_rating: null, la_code: '350' });
    expect(db.prepare("SELECT name FROM local_authorities WHERE code = '350'").get()).toEqual({ name: 'Bolton' });
    expect(importSchools(db, schoolsCsv.replace('210,12.5', '215,12.5'), who)).toMatchObject({ added: 0, changed: 1, unchanged: 2 });
  });

  it('reports every bad line and writes nothing', () => {
    const bad = [HEADER,
      '100001,Alpha Primary,350,Bolton,Community school,Primary,210,12.5,x,Good,',
      '0,Zero,350,Bolton,,,,,,,',
      '100003,Gamma,350,Bolton,,,12.5,n/a,,,',
      '100001,Alpha again,350,Bolton,,,,,,,',
      '100005,,350,Bolton,,,,101,,,'].join('\n');
    const e = errorOf(() => importSchools(db, bad, who));
    expect(e.message.split('\n')).toEqual([
      'schools.csv: line 3: URN "0" is not a positive whole number',
      'schools.csv: line 4: NumberOfPupils "12.5" is not a whole number of pupils',
      'schools.csv: line 4: PercentageFSM "n/a" is not a number',
      'schools.csv: line 5: URN 100001 also appears on line 2',
      'schools.csv: line 6: EstablishmentName is blank',
      'schools.csv: line 6: PercentageFSM "101" is outside 0 to 100',
    ]);
    expect(count('schools')).toBe(0);
    expect(count('audit_log')).toBe(0);
  });

  it('names missing columns', () => {
    expect(errorOf(() => importSchools(db, 'URN,EstablishmentName\n1,A\n', who)).message).toBe('schools.csv: line 1: missing columns "LA (code)", "LA (name)"');
  });

  it('--trial enrols, and audits SHA-256 and counts only', () => {
    createTrial(db, { id: 't1', title: 'T', createdAt: at });
    expect(importSchools(db, schoolsCsv, { ...who, trialId: 't1' })).toMatchObject({ enrolled: 3 });
    const [entry] = readAudit(db);
    expect(entry.action).toBe('import.schools');
    expect(entry.detail).toEqual({ sha256: crypto.createHash('sha256').update(schoolsCsv).digest('hex'), rows: 3, added: 3, changed: 0, unchanged: 0, enrolled: 3 });
  });
});

describe('import dsls', () => {
  const roster = 'URN,Name,Email,Role\n100001,Ann Example,Ann@Example.org,Headteacher\n100003,Bob Example,bob@example.org,deputy head\n';
  beforeEach(() => { createTrial(db, { id: 't1', title: 'T', createdAt: at }); importSchools(db, schoolsCsv, { ...who, trialId: 't1' }); });
  const opts = { trialId: 't1', source: 'roster.csv', actor: 'cli:test', at, randomBytes: crypto.randomBytes };

  it('adds pseudonymous DSLs with contacts kept apart; re-import changes nothing', () => {
    expect(importDsls(db, roster, opts)).toMatchObject({ added: 2, changed: 0, unchanged: 0 });
    const dsls = listDsls(db, 't1');
    expect(dsls.map((d) => d.id).every((id) => /^dsl-[a-z2-7]{10}$/.test(id))).toBe(true);
    expect(dsls.map((d) => d.role)).toEqual(['headteacher', 'deputy headteacher']);
    expect(JSON.stringify(dsls)).not.toMatch(/example/i);
    expect(db.prepare('SELECT email FROM dsl_contacts ORDER BY email').all()).toEqual([{ email: 'ann@example.org' }, { email: 'bob@example.org' }]);
    expect(importDsls(db, roster.replace('Ann@Example.org', 'ANN@example.org'), opts)).toMatchObject({ added: 0, changed: 0, unchanged: 2 });
    expect(importDsls(db, roster.replace('Bob Example', 'Robert Example'), opts)).toMatchObject({ added: 0, changed: 1, unchanged: 1 });
    expect(JSON.stringify(readAudit(db).map((a) => a.detail))).not.toMatch(/example/i);
  });

  it('checks school, enrolment, email and role per line', () => {
    db.prepare("INSERT INTO schools (urn, name, la_code) VALUES (200000, 'Elsewhere', '350')").run();
    const bad = 'URN,Name,Email,Role\n100001,Ann,not-an-email,headteacher\n999999,Bo,bo@example.org,\n200000,Cy,cy@example.org,\n100002,Di,di@example.org,caretaker\n100002,Di,DI@example.org,\n';
    expect(errorOf(() => importDsls(db, bad, { ...opts, source: 'roster.csv' })).message.split('\n')).toEqual([
      'roster.csv: line 2: Email "not-an-email" is not an email address',
      'roster.csv: line 3: URN 999999 is not a known school (import it with dslkit import schools --trial t1)',
      'roster.csv: line 4: URN 200000 is not a school enrolled in trial "t1"',
      'roster.csv: line 5: Role "caretaker" is not a known role (use one of: headteacher, deputy headteacher, assistant headteacher, pastoral manager, senco, teacher, other)',
      'roster.csv: line 6: Email "DI@example.org" at URN 100002 also appears on line 5',
    ]);
    expect(count('dsls')).toBe(0);
  });
});

describe('import outcomes', () => {
  beforeEach(() => { importSchools(db, schoolsCsv, who); });
  const long = 'URN,Period,Measure,Count\n100001,2025-09,contacts,4\n100001,2025-09,contacts_nfa,1\n100002,2025-10,cin,0\n';
  const wide = 'URN,Period,contacts,contacts_nfa,cin\n100001,2025-09,4,1,\n100002,2025-10,,,0\n';

  it('reads long and wide layouts to the same rows; re-import changes nothing', () => {
    expect(importOutcomes(db, long, 'o.csv', 'cli:test', at)).toMatchObject({ added: 3, changed: 0, unchanged: 0, schools: 2, periods: ['2025-09', '2025-10'] });
    expect(importOutcomes(db, wide, 'o.csv', 'cli:test', at)).toMatchObject({ added: 0, changed: 0, unchanged: 3 });
    expect(importOutcomes(db, wide.replace('4,1', '5,1'), 'o.csv', 'cli:test', at)).toMatchObject({ added: 0, changed: 1, unchanged: 2 });
    expect(readAudit(db)[0].action).toBe('import.outcomes');
  });

  it('reports bad lines and writes nothing', () => {
    const bad = 'URN,Period,Measure,Count\n100001,2025-13,contacts,4\n100001,2025-09,contact,1\n100002,2025-10,cin,-1\n123,2025-10,cin,1\n100001,2025-09,s47,1\n100001,2025-09,s47,2\n';
    expect(errorOf(() => importOutcomes(db, bad, 'o.csv', 'cli:test', at)).message.split('\n')).toEqual([
      'o.csv: line 2: Period "2025-13" is not a month written YYYY-MM',
      'o.csv: line 3: Measure "contact" is not one of contacts, contacts_nfa, referrals, referrals_nfa, early_help, cin, s47, looked_after, csa_contacts',
      'o.csv: line 4: Count "-1" is not a whole number of 0 or more',
      'o.csv: line 5: URN 123 is not a known school (import schools first)',
      'o.csv: line 7: Measure s47 for URN 100001 in 2025-09 also appears on line 6',
    ]);
    expect(count('admin_outcomes')).toBe(0);
  });

  it('rejects an unknown wide column', () => {
    expect(errorOf(() => importOutcomes(db, 'URN,Period,contacts,foo\n', 'o.csv', 'a', at)).message).toMatch(/^o\.csv: line 1: unknown measure column "foo"/);
  });
});

describe('roster roles that are names of Object.prototype', () => {
  it('are refused as unknown roles (found by tests/hostile/csv-inputs: "__proto__" read Object.prototype and crashed the import)', async () => {
    const { normaliseRole } = await import('../../server/domain/imports/dsls');
    for (const r of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(normaliseRole(r)).toBeUndefined();
    expect(normaliseRole('Deputy Head')).toBe('deputy headteacher');
  });
});
