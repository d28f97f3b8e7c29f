// Tests `import attendance`: supervisors' spreadsheets become sessions, de-duplicated against logged ones, intervention schools only, all or nothing with line and column.
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, tempDb } from '../helpers/temp';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import type { Db } from '../../server/storage/db';
import { importAttendance } from '../../server/storage/attendance-import-repo';
import { listSessions, logSession } from '../../server/storage/supervision-repo';
import { readAudit } from '../../server/storage/audit-repo';
import { ValidationError } from '../../shared/errors';

const at = '2025-03-01T09:00:00.000Z';
const opts = { trialId: 'fixture', source: 'attendance.csv', actor: 'cli:test', at };
const HEADER = 'URN,Date,Type,Mode,Minutes,DSLs present';
const A = 997000; // the fixture's schools: 990000 + 1000 * length('fixture') + i
const B = 997001;
const CONTROL = 997500;

let t: ReturnType<typeof tempDb>;
let db: Db;
beforeEach(() => {
  t = tempDb(); db = t.db;
  seedSurveyFixture(db, crypto.randomBytes(32), { dsls: 2, arm: 'intervention' });
  const rid = (db.prepare("SELECT id FROM randomisations WHERE trial_id = 'fixture'").get() as { id: number }).id;
  db.prepare("INSERT INTO schools (urn, name, la_code, is_synthetic) VALUES (?, 'Control School', '350', 1)").run(CONTROL);
  db.prepare("INSERT INTO trial_schools (trial_id, urn) VALUES ('fixture', ?)").run(CONTROL);
  db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES ('fixture', ?, ?, 'all', 0.5, 'control')").run(CONTROL, rid);
  db.prepare("INSERT INTO dsls (id, trial_id, urn, role, created_at) VALUES ('dsl-control-1', 'fixture', ?, NULL, ?)").run(CONTROL, at);
});
afterEach(() => t.cleanup());

function errorOf(fn: () => unknown): ValidationError {
  try { fn(); } catch (e) { if (e instanceof ValidationError) return e; throw e; }
  throw new Error('expected a ValidationError');
}
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('import attendance', () => {
  const sheet = [HEADER,
    `${A},2025-02-03,formal,face_to_face,60,dsl-fixture-1`, // already logged by the supervisor below
    `${A},2025-02-17,adhoc,phone,15,dsl-fixture-1`,
    `${B},2025-02-10,introduction,online,45,2`].join('\n') + '\n';

  it('adds the sessions not already logged; a re-import changes nothing', () => {
    logSession(db, { trialId: 'fixture', supervisorUserId: null, kind: 'formal', mode: 'online', heldOn: '2025-02-03', durationMinutes: 50, dslIds: ['dsl-fixture-1'], at, actor: 'test' });
    expect(importAttendance(db, sheet, opts)).toMatchObject({ rows: 3, added: 2, alreadyPresent: 1 });
    const sessions = listSessions(db, { trialId: 'fixture' });
    expect(sessions.map((s) => [s.heldOn, s.kind, s.mode, s.durationMinutes, s.format, s.attendees.map((a) => a.dslId)])).toEqual([
      ['2025-02-17', 'adhoc', 'phone', 15, 'individual', ['dsl-fixture-1']],
      ['2025-02-10', 'introduction', 'online', 45, 'group', []],
      ['2025-02-03', 'formal', 'online', 50, 'individual', ['dsl-fixture-1']], // the logged one, not replaced
    ]);
    expect(db.prepare('SELECT urn, dsls_present AS n, source_line AS line FROM imported_sessions ORDER BY source_line').all()).toEqual([
      { urn: A, n: 1, line: 3 }, { urn: B, n: 2, line: 4 }]);
    const before = { sessions: count('supervision_sessions'), attendees: count('supervision_attendees'), imported: count('imported_sessions') };
    expect(importAttendance(db, sheet, opts)).toMatchObject({ rows: 3, added: 0, alreadyPresent: 3 });
    expect({ sessions: count('supervision_sessions'), attendees: count('supervision_attendees'), imported: count('imported_sessions') }).toEqual(before);
    const audit = readAudit(db).filter((e) => e.action === 'import.attendance');
    expect(audit.map((e) => e.detail)).toContainEqual({ sha256: crypto.createHash('sha256').update(sheet).digest('hex'), rows: 3, added: 2, alreadyPresent: 1 });
  });

  it('reports every bad line with its column and writes nothing', () => {
    const bad = [HEADER,
      `${A},2025-02-30,formal,face_to_face,60,dsl-fixture-1`,
      `${A},2025-02-03,supervision,zoom,0,dsl-fixture-1`,
      `${CONTROL},2025-02-03,formal,online,60,dsl-control-1`,
      `${A},2025-02-04,formal,online,60,dsl-fixture-2`,
      `${B},2025-02-04,formal,online,60,dsl-nobody;Ann Smith`,
      `${B},2025-04-01,formal,online,60,0`,
      `123,2025-02-05,formal,online,60,1`,
      `${B},2025-02-06,adhoc,email,10,1`,
      `${B},2025-02-06,adhoc,phone,20,1`].join('\n') + '\n';
    expect(errorOf(() => importAttendance(db, bad, opts)).message.split('\n')).toEqual([
      'attendance.csv: line 2: Date "2025-02-30" is not a date written YYYY-MM-DD',
      'attendance.csv: line 3: Type "supervision" is not one of introduction, formal, adhoc',
      'attendance.csv: line 3: Mode "zoom" is not one of face_to_face, online, phone, email',
      'attendance.csv: line 3: Minutes "0" is not a whole number of minutes from 1 to 1440',
      `attendance.csv: line 4: URN ${CONTROL} is in the control arm of trial "fixture": only intervention schools receive supervision.`,
      `attendance.csv: line 5: DSLs present dsl-fixture-2 is a DSL at URN ${B}, not ${A}`,
      `attendance.csv: line 6: DSLs present "Ann Smith" is not a DSL id (dsl-…); give DSL ids separated by ';' or a count`,
      'attendance.csv: line 7: Date 2025-04-01 is after today (2025-03-01)',
      'attendance.csv: line 7: DSLs present "0" is not a count from 1 to 1000',
      'attendance.csv: line 8: URN 123 is not a known school',
      `attendance.csv: line 10: Date the adhoc session at URN ${B} on 2025-02-06 also appears on line 9`,
    ]);
    expect(count('supervision_sessions')).toBe(0);
    expect(count('imported_sessions')).toBe(0);
    expect(readAudit(db).filter((e) => e.action === 'import.attendance')).toEqual([]);
  });

  it('names missing columns and an unknown DSL', () => {
    expect(errorOf(() => importAttendance(db, 'URN,Date,Type\n', opts)).message).toBe('attendance.csv: line 1: missing columns "Mode", "Minutes", "DSLs present"');
    expect(errorOf(() => importAttendance(db, `${HEADER}\n${A},2025-02-03,formal,online,60,dsl-nobody\n`, opts)).message)
      .toBe('attendance.csv: line 2: DSLs present dsl-nobody is not a DSL in trial "fixture"');
  });

  it('runs from the CLI, reporting counts, and exits 1 on a bad file', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { runCli } = await import('../../server/cli');
    const file = path.join(t.dir, 'attendance.csv');
    fs.writeFileSync(file, sheet);
    db.close();
    const c = captureIo();
    expect(await runCli(['import', 'attendance', '--trial', 'fixture', file, '--db', t.file], c.io, {}, () => new Date(at))).toBe(0);
    expect(c.out()).toBe('attendance.csv: 3 sessions: 3 added, 0 already present\n');
    fs.writeFileSync(file, `${HEADER}\n${CONTROL},2025-02-03,formal,online,60,1\n`);
    const c2 = captureIo();
    expect(await runCli(['import', 'attendance', '--trial', 'fixture', file, '--db', t.file], c2.io, {}, () => new Date(at))).toBe(1);
    expect(c2.err()).toContain('attendance.csv: line 2: URN 997500 is in the control arm');
  });
});
