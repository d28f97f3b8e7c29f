// SQL for LA dashboards: reads one LA's raw facts (never names or free text) and stores/reads published snapshots.
import type { Db } from './db';
import type { DashboardFacts, DashboardModel, FrozenWave, GroupLabel, StudyFacts, WaveFigures } from '../domain/dashboards/types';
import { NotFoundError } from '../../shared/errors';

export interface LocalAuthority { code: string; name: string }

export function findLocalAuthority(db: Db, code: string): LocalAuthority | undefined {
  return db.prepare('SELECT code, name FROM local_authorities WHERE code = ?').get(code) as LocalAuthority | undefined;
}

/** LAs with at least one school enrolled in a trial or programme (the ones a dashboard can be made for). */
export function listLocalAuthoritiesTakingPart(db: Db): LocalAuthority[] {
  return db.prepare(`SELECT DISTINCT la.code, la.name FROM local_authorities la JOIN schools s ON s.la_code = la.code
    JOIN trial_schools ts ON ts.urn = s.urn AND ts.status = 'enrolled' ORDER BY la.code`).all() as LocalAuthority[];
}

/** Reads everything a dashboard for `laCode` needs, aggregated later by domain/dashboards. */
export function loadDashboardFacts(db: Db, laCode: string, readAt: string): DashboardFacts {
  const la = findLocalAuthority(db, laCode);
  if (!la) throw new NotFoundError(`There is no local authority with code ${laCode}.`);
  const trials = db.prepare(`SELECT DISTINCT t.id, t.title, t.kind, t.is_demo FROM trials t JOIN trial_schools ts ON ts.trial_id = t.id AND ts.status = 'enrolled'
    JOIN schools s ON s.urn = ts.urn WHERE s.la_code = ? ORDER BY t.created_at, t.id`).all(laCode) as Array<{ id: string; title: string; kind: 'trial' | 'programme'; is_demo: number }>;
  const studies: StudyFacts[] = trials.map((t) => {
    const schools = (db.prepare(`SELECT s.urn, s.phase, s.pupils, a.arm FROM trial_schools ts JOIN schools s ON s.urn = ts.urn
      LEFT JOIN allocations a ON a.trial_id = ts.trial_id AND a.urn = ts.urn
      WHERE ts.trial_id = ? AND ts.status = 'enrolled' AND s.la_code = ? ORDER BY s.urn`).all(t.id, laCode) as Array<{ urn: number; phase: string | null; pupils: number | null; arm: string | null }>)
      .map((s) => ({ urn: s.urn, phase: s.phase, pupils: s.pupils, group: groupOf(t.kind, s.arm) }));
    const dsls = db.prepare(`SELECT d.id, d.urn FROM dsls d JOIN schools s ON s.urn = d.urn JOIN trial_schools ts ON ts.trial_id = d.trial_id AND ts.urn = d.urn AND ts.status = 'enrolled'
      WHERE d.trial_id = ? AND s.la_code = ? AND d.status = 'active' ORDER BY d.id`).all(t.id, laCode) as Array<{ id: string; urn: number }>;
    const waves = (db.prepare('SELECT name, closes_at FROM waves WHERE trial_id = ? ORDER BY id').all(t.id) as Array<{ name: string; closes_at: string }>)
      .map((w) => ({ name: w.name, closesAt: w.closes_at }));
    const invitations = (db.prepare(`SELECT w.name AS wave, i.dsl_id, r.status FROM invitations i JOIN waves w ON w.id = i.wave_id
      JOIN dsls d ON d.id = i.dsl_id JOIN schools s ON s.urn = d.urn LEFT JOIN responses r ON r.invitation_id = i.id
      WHERE w.trial_id = ? AND s.la_code = ? AND d.status = 'active'`).all(t.id, laCode) as Array<{ wave: string; dsl_id: string; status: string | null }>)
      .map((r) => ({ wave: r.wave, dslId: r.dsl_id, complete: r.status === 'complete' }));
    const scores = (db.prepare(`SELECT w.name AS wave, r.dsl_id, sc.instrument, sc.scale, sc.value FROM scores sc JOIN responses r ON r.id = sc.response_id
      JOIN waves w ON w.id = r.wave_id JOIN dsls d ON d.id = r.dsl_id JOIN schools s ON s.urn = d.urn
      WHERE w.trial_id = ? AND s.la_code = ? AND r.status = 'complete' AND d.status = 'active' AND sc.value IS NOT NULL`).all(t.id, laCode) as Array<{ wave: string; dsl_id: string; instrument: string; scale: string; value: number }>)
      .map((r) => ({ wave: r.wave, dslId: r.dsl_id, instrument: r.instrument, scale: r.scale, value: r.value }));
    const sessions = (db.prepare(`SELECT ss.id, ss.kind, ss.mode, ss.format, ss.duration_minutes FROM supervision_sessions ss
      WHERE ss.trial_id = ? AND EXISTS (SELECT 1 FROM supervision_attendees sa JOIN schools s ON s.urn = sa.urn WHERE sa.session_id = ss.id AND s.la_code = ?)
      ORDER BY ss.id`).all(t.id, laCode) as Array<{ id: number; kind: string; mode: string; format: string; duration_minutes: number }>)
      .map((s) => ({ id: s.id, kind: s.kind, mode: s.mode, format: s.format, minutes: s.duration_minutes }));
    const adminOutcomes = db.prepare(`SELECT o.urn, o.period, o.measure, o.count FROM admin_outcomes o JOIN trial_schools ts ON ts.urn = o.urn AND ts.trial_id = ? AND ts.status = 'enrolled'
      JOIN schools s ON s.urn = o.urn WHERE s.la_code = ? ORDER BY o.urn, o.period, o.measure`).all(t.id, laCode) as Array<{ urn: number; period: string; measure: string; count: number }>;
    return { id: t.id, title: t.title, kind: t.kind, isDemo: t.is_demo === 1, schools, dsls, waves, invitations, scores, sessions, adminOutcomes };
  });
  return { la, readAt, studies };
}

function groupOf(kind: 'trial' | 'programme', arm: string | null): GroupLabel {
  if (kind === 'programme') return 'All settings';
  return arm === 'intervention' ? 'Intervention' : arm === 'control' ? 'Control' : 'Not yet allocated';
}

export interface PublishedDashboard { id: number; laCode: string; publishedAt: string; publishedBy: string; model: DashboardModel }

/** Stores a new published snapshot (the old ones stay, append-only) and returns its id. */
export function savePublishedDashboard(db: Db, p: { laCode: string; publishedAt: string; publishedBy: string; model: DashboardModel }): number {
  const r = db.prepare('INSERT INTO published_dashboards (la_code, published_at, published_by, snapshot_json) VALUES (?, ?, ?, ?)')
    .run(p.laCode, p.publishedAt, p.publishedBy, JSON.stringify(p.model));
  return Number(r.lastInsertRowid);
}

/** The last published snapshot of an LA's dashboard, or undefined if it has never been published. */
export function latestPublishedDashboard(db: Db, laCode: string): PublishedDashboard | undefined {
  const row = db.prepare('SELECT id, la_code, published_at, published_by, snapshot_json FROM published_dashboards WHERE la_code = ? ORDER BY id DESC LIMIT 1')
    .get(laCode) as { id: number; la_code: string; published_at: string; published_by: string; snapshot_json: string } | undefined;
  if (!row) return undefined;
  return { id: row.id, laCode: row.la_code, publishedAt: row.published_at, publishedBy: row.published_by, model: JSON.parse(row.snapshot_json) as DashboardModel };
}

/** The id of an LA's last published snapshot (an index lookup, without reading the snapshot), or undefined. */
export function latestPublishedDashboardId(db: Db, laCode: string): number | undefined {
  const row = db.prepare('SELECT max(id) AS id FROM published_dashboards WHERE la_code = ?').get(laCode) as { id: number | null };
  return row.id ?? undefined;
}

/** The newest snapshot id of any LA (0 before the first publication): changes whenever the public index could. */
export function newestPublishedDashboardId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) AS id FROM published_dashboards').get() as { id: number }).id;
}

/** Every LA with a published dashboard (for the public index page). */
export function listPublishedLocalAuthorities(db: Db): Array<LocalAuthority & { publishedAt: string }> {
  return db.prepare(`SELECT la.code, la.name, MAX(p.published_at) AS publishedAt FROM published_dashboards p JOIN local_authorities la ON la.code = p.la_code
    GROUP BY la.code ORDER BY la.name`).all() as Array<LocalAuthority & { publishedAt: string }>;
}

/** The frozen figures of every closed wave already shown for an LA's dashboard. */
export function loadFrozenWaves(db: Db, laCode: string): FrozenWave[] {
  return (db.prepare('SELECT trial_id, wave, frozen_at, figures_json FROM frozen_wave_figures WHERE la_code = ? ORDER BY trial_id, wave').all(laCode) as
    Array<{ trial_id: string; wave: string; frozen_at: string; figures_json: string }>)
    .map((r) => ({ studyId: r.trial_id, wave: r.wave, frozenAt: r.frozen_at, figures: JSON.parse(r.figures_json) as WaveFigures }));
}

/** Freezes a closed wave's figures for an LA; an existing frozen copy is kept (never replaced). Returns whether this one was stored. */
export function saveFrozenWave(db: Db, laCode: string, f: FrozenWave): boolean {
  return db.prepare('INSERT OR IGNORE INTO frozen_wave_figures (la_code, trial_id, wave, frozen_at, figures_json) VALUES (?, ?, ?, ?, ?)')
    .run(laCode, f.studyId, f.wave, f.frozenAt, JSON.stringify(f.figures)).changes === 1;
}
