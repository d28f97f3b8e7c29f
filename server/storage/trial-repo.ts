// SQL for trials: create, read, list and move a trial's status.
import type { Db } from './db';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';

export type TrialUnit = 'school' | 'local_authority';
export type TrialKind = 'trial' | 'programme';
export type TrialStatus = 'setup' | 'randomised' | 'fieldwork' | 'analysis' | 'closed';

export interface Trial {
  id: string; title: string; kind: TrialKind; unit: TrialUnit; strata: string[]; method: string | null; seed: number | null;
  status: TrialStatus; sessionsIntended: number | null; sessionIntervalWeeks: [number, number]; startsOn: string | null; endsOn: string | null;
  retentionUntil: string | null; isDemo: boolean; createdAt: string;
}

interface TrialRow {
  id: string; title: string; kind: TrialKind; unit: TrialUnit; strata: string; method: string | null; seed: number | null; status: TrialStatus;
  sessions_intended: number | null; session_interval_weeks: string; starts_on: string | null; ends_on: string | null; retention_until: string | null;
  is_demo: number; created_at: string;
}

function fromRow(r: TrialRow): Trial {
  return {
    id: r.id, title: r.title, kind: r.kind, unit: r.unit, strata: JSON.parse(r.strata) as string[], method: r.method, seed: r.seed, status: r.status,
    sessionsIntended: r.sessions_intended, sessionIntervalWeeks: JSON.parse(r.session_interval_weeks) as [number, number], startsOn: r.starts_on,
    endsOn: r.ends_on, retentionUntil: r.retention_until, isDemo: r.is_demo === 1, createdAt: r.created_at,
  };
}

export interface NewTrial {
  id: string; title: string; kind?: TrialKind; unit?: TrialUnit; sessionsIntended?: number | null; retentionUntil?: string | null;
  startsOn?: string | null; endsOn?: string | null; isDemo?: boolean; createdAt: string;
  /** Weeks between supervision sessions [min, max]; default [4, 6] (the Bolton protocol). */
  sessionIntervalWeeks?: [number, number];
}

export const TRIAL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Checks a YYYY-MM-DD date that exists on the calendar. */
export function isIsoDate(s: string): boolean {
  if (!DATE_PATTERN.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return d.toISOString().slice(0, 10) === s;
}

/** Creates a trial; a taken id is a ConflictError, a malformed field a ValidationError. */
export function createTrial(db: Db, t: NewTrial): Trial {
  const problems: string[] = [];
  if (!TRIAL_ID_PATTERN.test(t.id)) problems.push(`trial id "${t.id}" must be 1-40 lower-case letters, digits or hyphens, starting with a letter or digit`);
  if (!t.title.trim()) problems.push('the title is blank');
  for (const [name, v] of [['retention-until', t.retentionUntil], ['starts-on', t.startsOn], ['ends-on', t.endsOn]] as const) {
    if (v != null && !isIsoDate(v)) problems.push(`--${name} "${v}" is not a date written YYYY-MM-DD`);
  }
  if (t.sessionsIntended != null && (!Number.isInteger(t.sessionsIntended) || t.sessionsIntended < 0 || t.sessionsIntended > 50)) problems.push('sessions intended must be a whole number from 0 to 50');
  if (problems.length) throw new ValidationError(problems.join('\n'), problems.map((d) => ({ pointer: '/trial', detail: d })));
  if (db.prepare('SELECT 1 FROM trials WHERE id = ?').get(t.id)) throw new ConflictError(`a trial with id "${t.id}" already exists`);
  db.prepare(`INSERT INTO trials (id, title, kind, unit, sessions_intended, session_interval_weeks, retention_until, starts_on, ends_on, is_demo, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(t.id, t.title.trim(), t.kind ?? 'trial', t.unit ?? 'school', t.sessionsIntended ?? null,
    JSON.stringify(t.sessionIntervalWeeks ?? [4, 6]), t.retentionUntil ?? null, t.startsOn ?? null, t.endsOn ?? null, t.isDemo ? 1 : 0, t.createdAt);
  return getTrial(db, t.id)!;
}

export function getTrial(db: Db, id: string): Trial | undefined {
  const r = db.prepare('SELECT * FROM trials WHERE id = ?').get(id) as TrialRow | undefined;
  return r ? fromRow(r) : undefined;
}

/** The trial, or a NotFoundError naming it. */
export function requireTrial(db: Db, id: string): Trial {
  const t = getTrial(db, id);
  if (!t) throw new NotFoundError(`no trial "${id}" (dslkit trial list shows the trials)`, [{ pointer: '/trial', detail: `no trial "${id}"` }]);
  return t;
}

export function listTrials(db: Db): Trial[] {
  return (db.prepare('SELECT * FROM trials ORDER BY created_at, id').all() as TrialRow[]).map(fromRow);
}

export function setTrialStatus(db: Db, id: string, status: TrialStatus): void {
  db.prepare('UPDATE trials SET status = ? WHERE id = ?').run(status, id);
}

/** Records the design actually used when the trial was randomised. */
export function recordTrialDesign(db: Db, id: string, design: { method: string; seed: number; strata: string[] }): void {
  db.prepare('UPDATE trials SET method = ?, seed = ?, strata = ? WHERE id = ?').run(design.method, design.seed, JSON.stringify(design.strata), id);
}

export interface TrialCounts { schools: number; dsls: number; waves: number; allocated: number }

export function trialCounts(db: Db, id: string): TrialCounts {
  const one = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
  return {
    schools: one("SELECT count(*) AS n FROM trial_schools WHERE trial_id = ? AND status = 'enrolled'"),
    dsls: one("SELECT count(*) AS n FROM dsls WHERE trial_id = ? AND status = 'active'"),
    waves: one('SELECT count(*) AS n FROM waves WHERE trial_id = ?'),
    allocated: one('SELECT count(*) AS n FROM allocations WHERE trial_id = ?'),
  };
}
