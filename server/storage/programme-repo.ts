// SQL for programmes outside a trial (trials.kind = 'programme'): create one for an LA and year, add packages and their settings, read the year-end facts.
import type { Db } from './db';
import { appendAudit } from './audit-repo';
import { createTrial } from './trial-repo';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { packageProblems, type ProgrammeFacts } from '../domain/programme/year-end';
import { evaluationQuestions, EVALUATION_INSTRUMENT } from '../../reports/analysis/ipe';
import { loadForms } from './report-data-repo';

export interface Programme { id: string; title: string; laCode: string; laName: string; academicYear: string; isDemo: boolean }

export function getProgramme(db: Db, id: string): Programme | undefined {
  const r = db.prepare(`SELECT t.id, t.title, p.la_code, la.name AS la_name, p.academic_year, t.is_demo FROM trials t JOIN programmes p ON p.trial_id = t.id
    JOIN local_authorities la ON la.code = p.la_code WHERE t.id = ? AND t.kind = 'programme'`).get(id) as
    { id: string; title: string; la_code: string; la_name: string; academic_year: string; is_demo: number } | undefined;
  return r && { id: r.id, title: r.title, laCode: r.la_code, laName: r.la_name, academicYear: r.academic_year, isDemo: r.is_demo === 1 };
}

export function requireProgramme(db: Db, id: string): Programme {
  const p = getProgramme(db, id);
  if (!p) throw new NotFoundError(`There is no programme with id "${id}".`);
  return p;
}

/** Creates a programme: a trial of kind 'programme' (no randomisation, no arms) run by one LA for one academic year. Audited. */
export function createProgramme(db: Db, p: { id: string; title: string; laCode: string; academicYear: string; at: string; actor: string; isDemo?: boolean }): Programme {
  if (!/^\d{4}\/\d{2}$/.test(p.academicYear) || (Number(p.academicYear.slice(0, 4)) + 1) % 100 !== Number(p.academicYear.slice(5))) {
    throw new ValidationError(`the academic year "${p.academicYear}" must be written like 2024/25`);
  }
  if (!db.prepare('SELECT 1 FROM local_authorities WHERE code = ?').get(p.laCode)) throw new ValidationError(`there is no local authority with code ${p.laCode}; import its schools first`);
  const start = Number(p.academicYear.slice(0, 4));
  db.transaction(() => {
    createTrial(db, { id: p.id, title: p.title, kind: 'programme', createdAt: p.at, startsOn: `${start}-09-01`, endsOn: `${start + 1}-08-31`, isDemo: p.isDemo });
    db.prepare('INSERT INTO programmes (trial_id, la_code, academic_year) VALUES (?, ?, ?)').run(p.id, p.laCode, p.academicYear);
    appendAudit(db, { at: p.at, actor: p.actor, action: 'programme.create', trialId: p.id, detail: { laCode: p.laCode, academicYear: p.academicYear } });
  })();
  return requireProgramme(db, p.id);
}

/** Adds a package shared by the given settings (enrolling them in the programme). Audited. */
export function addPackage(db: Db, programmeId: string, p: { name: string; pricePence: number; sessionsIncluded: number; sessionMinutes: number; maxSettings: number; urns: number[]; at: string; actor: string }): number {
  requireProgramme(db, programmeId);
  const problems = packageProblems(p);
  const known = db.prepare('SELECT 1 FROM schools WHERE urn = ?');
  for (const urn of p.urns) if (!known.get(urn)) problems.push(`there is no school with URN ${urn}; import it first`);
  if (problems.length) throw new ValidationError(problems.join('\n'), problems.map((d) => ({ pointer: '/package', detail: d })));
  if (db.prepare('SELECT 1 FROM programme_packages WHERE trial_id = ? AND name = ?').get(programmeId, p.name.trim())) throw new ConflictError(`the programme already has a package called "${p.name.trim()}"`);
  return db.transaction(() => {
    const id = Number(db.prepare(`INSERT INTO programme_packages (trial_id, name, price_pence, sessions_included, session_minutes, max_settings, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(programmeId, p.name.trim(), p.pricePence, p.sessionsIncluded, p.sessionMinutes, p.maxSettings, p.at).lastInsertRowid);
    const setting = db.prepare('INSERT INTO package_settings (package_id, urn) VALUES (?, ?)');
    const enrol = db.prepare("INSERT OR IGNORE INTO trial_schools (trial_id, urn, status) VALUES (?, ?, 'enrolled')");
    for (const urn of p.urns) { setting.run(id, urn); enrol.run(programmeId, urn); }
    appendAudit(db, { at: p.at, actor: p.actor, action: 'programme.package.add', trialId: programmeId, detail: { packageId: id, pricePence: p.pricePence, settings: p.urns.length } });
    return id;
  })();
}

/** Reads what the year-end report needs: packages, settings with active DSLs, sessions with attendees' settings, start/end scores. */
export function loadProgrammeFacts(db: Db, programmeId: string): ProgrammeFacts {
  const prog = requireProgramme(db, programmeId);
  const packages = (db.prepare('SELECT * FROM programme_packages WHERE trial_id = ? ORDER BY id').all(programmeId) as Array<{ id: number; name: string; price_pence: number; sessions_included: number; session_minutes: number; max_settings: number }>)
    .map((p) => ({
      id: p.id, name: p.name, pricePence: p.price_pence, sessionsIncluded: p.sessions_included, sessionMinutes: p.session_minutes, maxSettings: p.max_settings,
      urns: (db.prepare('SELECT urn FROM package_settings WHERE package_id = ? ORDER BY urn').all(p.id) as Array<{ urn: number }>).map((r) => r.urn),
    }));
  const settings = db.prepare(`SELECT s.urn, s.name, (SELECT COUNT(*) FROM dsls d WHERE d.trial_id = ts.trial_id AND d.urn = s.urn AND d.status = 'active') AS dsls
    FROM trial_schools ts JOIN schools s ON s.urn = ts.urn WHERE ts.trial_id = ? AND ts.status = 'enrolled' ORDER BY s.name, s.urn`).all(programmeId) as Array<{ urn: number; name: string; dsls: number }>;
  const sessions = (db.prepare('SELECT id, duration_minutes, kind, package_id FROM supervision_sessions WHERE trial_id = ? ORDER BY id').all(programmeId) as Array<{ id: number; duration_minutes: number; kind: 'introduction' | 'formal' | 'adhoc'; package_id: number | null }>)
    .map((s) => ({ id: s.id, minutes: s.duration_minutes, kind: s.kind, packageId: s.package_id, urns: (db.prepare('SELECT DISTINCT urn FROM supervision_attendees WHERE session_id = ?').all(s.id) as Array<{ urn: number }>).map((r) => r.urn) }));
  const activeDsls = new Set((db.prepare("SELECT id FROM dsls WHERE trial_id = ? AND status = 'active'").all(programmeId) as Array<{ id: string }>).map((d) => d.id));
  const scores = db.prepare(`SELECT w.name AS wave, r.dsl_id AS dslId, sc.instrument, sc.scale, sc.value FROM scores sc JOIN responses r ON r.id = sc.response_id
    JOIN waves w ON w.id = r.wave_id JOIN dsls d ON d.id = r.dsl_id
    WHERE w.trial_id = ? AND w.name IN ('baseline', 'endline') AND r.status = 'complete' AND d.status = 'active' AND sc.value IS NOT NULL`).all(programmeId) as ProgrammeFacts['scores'];
  const feedback = loadForms(db, programmeId).filter((form) => form.instrument.split('@')[0] === EVALUATION_INSTRUMENT && activeDsls.has(form.dslId));
  return { id: prog.id, title: prog.title, laName: prog.laName, academicYear: prog.academicYear, packages, settings, sessions, scores, feedback, feedbackQuestions: evaluationQuestions() };
}
