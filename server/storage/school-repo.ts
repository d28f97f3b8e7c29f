// SQL for schools, local authorities and trial enrolment, and the all-or-nothing import of a GIAS-style schools CSV.
import type { Db } from './db';
import { ConflictError, ValidationError } from '../../shared/errors';
import { lineProblemsError, parseCsv, requireColumns, type CsvTable } from '../domain/csv';
import { GIAS_COLUMNS, REQUIRED_SCHOOL_COLUMNS, validateSchoolRows, type SchoolRecord } from '../domain/imports/schools';
import { sha256Hex } from '../domain/randomisation/randomise';
import type { CovariateDef } from '../domain/imports/covariates';
import { appendAudit } from './audit-repo';
import { requireTrial } from './trial-repo';

export interface ImportCounts { added: number; changed: number; unchanged: number }
export interface SchoolImportResult extends ImportCounts { rows: number; enrolled: number; sha256: string }

interface SchoolDbRow { urn: number; name: string; la_code: string; phase: string | null; type: string | null; pupils: number | null; fsm_percent: number | null; ofsted_rating: string | null; urban_rural: string | null; is_synthetic: number }

function sameSchool(a: SchoolDbRow, s: SchoolRecord): boolean {
  return a.name === s.name && a.la_code === s.laCode && a.phase === s.phase && a.type === s.type && a.pupils === s.pupils
    && a.fsm_percent === s.fsmPercent && a.ofsted_rating === s.ofstedRating && a.urban_rural === s.urbanRural;
}

/** Inserts or updates schools (and their LAs); returns how many were added, changed or already identical. Call inside a transaction. */
export function upsertSchools(db: Db, schools: readonly SchoolRecord[], opts: { synthetic?: boolean } = {}): ImportCounts {
  const upsertLa = db.prepare('INSERT INTO local_authorities (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name WHERE name <> excluded.name');
  const find = db.prepare('SELECT * FROM schools WHERE urn = ?');
  const insert = db.prepare(`INSERT INTO schools (urn, name, la_code, phase, type, pupils, fsm_percent, ofsted_rating, urban_rural, is_synthetic)
    VALUES (@urn, @name, @laCode, @phase, @type, @pupils, @fsmPercent, @ofstedRating, @urbanRural, @synthetic)`);
  const update = db.prepare(`UPDATE schools SET name = @name, la_code = @laCode, phase = @phase, type = @type, pupils = @pupils,
    fsm_percent = @fsmPercent, ofsted_rating = @ofstedRating, urban_rural = @urbanRural WHERE urn = @urn`);
  const counts: ImportCounts = { added: 0, changed: 0, unchanged: 0 };
  for (const s of schools) {
    upsertLa.run(s.laCode, s.laName);
    const existing = find.get(s.urn) as SchoolDbRow | undefined;
    const params = { ...s, synthetic: opts.synthetic ? 1 : 0 };
    if (!existing) { insert.run(params); counts.added += 1; } else if (!sameSchool(existing, s)) { update.run(params); counts.changed += 1; } else counts.unchanged += 1;
  }
  return counts;
}

/** Enrols schools in a trial (idempotent); returns how many were newly enrolled. */
export function enrolSchools(db: Db, trialId: string, urns: readonly number[]): number {
  const ins = db.prepare('INSERT INTO trial_schools (trial_id, urn) VALUES (?, ?) ON CONFLICT DO NOTHING');
  return urns.reduce((n, urn) => n + ins.run(trialId, urn).changes, 0);
}

/**
 * `dslkit import schools`: parses and checks the whole file, then in ONE transaction upserts every school
 * (and enrols them in `trialId` when given) and appends an audit entry with the file's SHA-256 and
 * counts. Any bad line: ValidationError listing every bad line, nothing written.
 */
export function importSchools(db: Db, csvText: string, opts: { source: string; actor: string; at: string; trialId?: string }): SchoolImportResult {
  const table = parseCsv(csvText, opts.source);
  requireColumns(table, REQUIRED_SCHOOL_COLUMNS, opts.source);
  const { schools, problems } = validateSchoolRows(table);
  if (problems.length) throw lineProblemsError(opts.source, problems);
  if (schools.length === 0) throw new ValidationError(`${opts.source}: no schools after the header row`);
  const sha256 = sha256Hex(csvText);
  return db.transaction(() => {
    let enrolled = 0;
    if (opts.trialId) {
      const trial = requireTrial(db, opts.trialId);
      if (trial.status !== 'setup') {
        const inTrial = new Set((db.prepare('SELECT urn FROM trial_schools WHERE trial_id = ?').all(trial.id) as Array<{ urn: number }>).map((r) => r.urn));
        const newcomers = schools.filter((s) => !inTrial.has(s.urn));
        if (newcomers.length) throw new ConflictError(`trial "${trial.id}" is already ${trial.status}: ${newcomers.length} school(s) in ${opts.source} (first URN ${newcomers[0].urn}) cannot join it now`);
      }
    }
    const counts = upsertSchools(db, schools);
    if (opts.trialId) enrolled = enrolSchools(db, opts.trialId, schools.map((s) => s.urn));
    appendAudit(db, { at: opts.at, actor: opts.actor, action: 'import.schools', trialId: opts.trialId ?? null, detail: { sha256, rows: schools.length, ...counts, enrolled } });
    return { ...counts, rows: schools.length, enrolled, sha256 };
  })();
}

export interface SchoolInTrial {
  urn: number; name: string; laCode: string; laName: string; phase: string | null; type: string | null; pupils: number | null;
  fsmPercent: number | null; urbanRural: string | null; ofstedRating: string | null; isSynthetic: boolean;
  enrolment: 'enrolled' | 'excluded' | 'declined' | 'withdrawn'; arm: 'control' | 'intervention' | null; stratum: string | null;
}

/** The schools of a trial with their arm (null before randomisation), by URN. */
export function listSchoolsInTrial(db: Db, trialId: string): SchoolInTrial[] {
  const rows = db.prepare(`SELECT s.urn, s.name, s.la_code, la.name AS la_name, s.phase, s.type, s.pupils, s.fsm_percent, s.urban_rural, s.ofsted_rating,
      s.is_synthetic, ts.status, a.arm, a.stratum
    FROM trial_schools ts JOIN schools s ON s.urn = ts.urn JOIN local_authorities la ON la.code = s.la_code
    LEFT JOIN allocations a ON a.trial_id = ts.trial_id AND a.urn = ts.urn
    WHERE ts.trial_id = ? ORDER BY s.urn`).all(trialId) as Array<Record<string, never>>;
  return rows.map((r) => ({
    urn: r.urn, name: r.name, laCode: r.la_code, laName: r.la_name, phase: r.phase, type: r.type, pupils: r.pupils, fsmPercent: r.fsm_percent,
    urbanRural: r.urban_rural, ofstedRating: r.ofsted_rating, isSynthetic: r.is_synthetic === 1, enrolment: r.status, arm: r.arm, stratum: r.stratum,
  }));
}

/**
 * The trial's enrolled schools (or those `pick` chooses) as a table with GIAS column names, ordered by URN, so the CSV
 * randomisation code runs unchanged on them; `csv` is the canonical text whose SHA-256 is recorded. `covariates` adds
 * imported covariates as further columns named by their DfE column (e.g. PNUMFSMEVER; blank when not held): only when
 * asked, so the table of a randomisation made without them, and its SHA-256, stay exactly as they were.
 */
export function enrolledSchoolsTable(db: Db, trialId: string, pick: (s: SchoolInTrial) => boolean = (s) => s.enrolment === 'enrolled', covariates: readonly CovariateDef[] = []): { table: CsvTable; columns: string[] } {
  const c = GIAS_COLUMNS;
  const columns = [c.urn, c.name, c.laCode, c.laName, c.type, c.phase, c.pupils, c.fsmPercent, c.urbanRural, c.ofsted, ...covariates.map((d) => d.column)];
  const schools = listSchoolsInTrial(db, trialId).filter(pick);
  const str = (v: string | number | null) => (v === null ? '' : String(v));
  const held = db.prepare('SELECT value FROM school_covariates WHERE trial_id = ? AND urn = ? AND covariate = ?');
  const covariateValue = (urn: number, d: CovariateDef) => str((held.get(trialId, urn, d.key) as { value: number | null } | undefined)?.value ?? null);
  const rows = schools.map((s, i) => ({
    line: i + 2,
    values: {
      [c.urn]: String(s.urn), [c.name]: s.name, [c.laCode]: s.laCode, [c.laName]: s.laName, [c.type]: str(s.type), [c.phase]: str(s.phase),
      [c.pupils]: str(s.pupils), [c.fsmPercent]: str(s.fsmPercent), [c.urbanRural]: str(s.urbanRural), [c.ofsted]: str(s.ofstedRating),
      ...Object.fromEntries(covariates.map((d) => [d.column, covariateValue(s.urn, d)])),
    },
  }));
  return { table: { header: columns, rows }, columns };
}
