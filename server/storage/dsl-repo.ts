// SQL for DSLs (pseudonymous) and their contact details (kept apart), and the all-or-nothing import of a DSL roster CSV.
import type { Db } from './db';
import { ValidationError, type FieldProblem } from '../../shared/errors';
import { lineProblemsError, parseCsv, requireColumns } from '../domain/csv';
import { byLine } from '../domain/imports/fields';
import { DSL_COLUMNS, newDslId, validateDslRows } from '../domain/imports/dsls';
import { sha256Hex } from '../domain/randomisation/randomise';
import { appendAudit } from './audit-repo';
import { requireTrial } from './trial-repo';
import type { ImportCounts } from './school-repo';

export interface DslImportResult extends ImportCounts { rows: number; sha256: string }

/**
 * `dslkit import dsls`: checks the whole roster (every school must exist and be enrolled in the trial),
 * then in ONE transaction adds new DSLs (id 'dsl-' + 10 random base32 characters), updates changed
 * names/roles, and appends an audit entry (SHA-256 and counts, no names or emails). A DSL is identified
 * by (trial, URN, lower-cased email), so importing the same roster again changes nothing.
 */
export function importDsls(db: Db, csvText: string, opts: { trialId: string; source: string; actor: string; at: string; randomBytes: (n: number) => Buffer }): DslImportResult {
  const table = parseCsv(csvText, opts.source);
  requireColumns(table, DSL_COLUMNS, opts.source);
  const trial = requireTrial(db, opts.trialId);
  const { dsls, problems } = validateDslRows(table);
  const enrolled = new Set((db.prepare("SELECT urn FROM trial_schools WHERE trial_id = ? AND status = 'enrolled'").all(trial.id) as Array<{ urn: number }>).map((r) => r.urn));
  const known = db.prepare('SELECT 1 FROM schools WHERE urn = ?');
  const dbProblems: FieldProblem[] = [];
  for (const d of dsls) {
    if (enrolled.has(d.urn)) continue;
    const detail = known.get(d.urn) ? `${d.urn} is not a school enrolled in trial "${trial.id}"` : `${d.urn} is not a known school (import it with dslkit import schools --trial ${trial.id})`;
    dbProblems.push({ pointer: `/line/${d.line}/URN`, line: d.line, column: 'URN', detail });
  }
  const all = byLine([...problems, ...dbProblems]);
  if (all.length) throw lineProblemsError(opts.source, all);
  if (dsls.length === 0) throw new ValidationError(`${opts.source}: no DSLs after the header row`);
  const sha256 = sha256Hex(csvText);
  const find = db.prepare(`SELECT d.id, d.role, c.name FROM dsls d JOIN dsl_contacts c ON c.dsl_id = d.id
    WHERE d.trial_id = ? AND d.urn = ? AND lower(c.email) = ?`);
  const insertDsl = db.prepare('INSERT INTO dsls (id, trial_id, urn, role, created_at) VALUES (?, ?, ?, ?, ?)');
  const insertContact = db.prepare('INSERT INTO dsl_contacts (dsl_id, name, email) VALUES (?, ?, ?)');
  const updateRole = db.prepare('UPDATE dsls SET role = ? WHERE id = ?');
  const updateName = db.prepare('UPDATE dsl_contacts SET name = ? WHERE dsl_id = ?');
  const idTaken = db.prepare('SELECT 1 FROM dsls WHERE id = ?');
  return db.transaction(() => {
    const counts: ImportCounts = { added: 0, changed: 0, unchanged: 0 };
    for (const d of dsls) {
      const existing = find.get(trial.id, d.urn, d.email) as { id: string; role: string | null; name: string } | undefined;
      if (!existing) {
        let id = newDslId(opts.randomBytes);
        while (idTaken.get(id)) id = newDslId(opts.randomBytes);
        insertDsl.run(id, trial.id, d.urn, d.role, opts.at);
        insertContact.run(id, d.name, d.email);
        counts.added += 1;
      } else if (existing.role !== d.role || existing.name !== d.name) {
        updateRole.run(d.role, existing.id);
        updateName.run(d.name, existing.id);
        counts.changed += 1;
      } else counts.unchanged += 1;
    }
    appendAudit(db, { at: opts.at, actor: opts.actor, action: 'import.dsls', trialId: trial.id, detail: { sha256, rows: dsls.length, ...counts } });
    return { ...counts, rows: dsls.length, sha256 };
  })();
}

/** Adds one DSL with contact details (demo seeding, tests); returns nothing, the caller chose the id. */
export function insertDsl(db: Db, d: { id: string; trialId: string; urn: number; role: string | null; name: string; email: string; createdAt: string }): void {
  db.prepare('INSERT INTO dsls (id, trial_id, urn, role, created_at) VALUES (?, ?, ?, ?, ?)').run(d.id, d.trialId, d.urn, d.role, d.createdAt);
  db.prepare('INSERT INTO dsl_contacts (dsl_id, name, email) VALUES (?, ?, ?)').run(d.id, d.name, d.email.toLowerCase());
}

/** A DSL as analysis sees it: pseudonymous id, school and role, never name or email. */
export interface DslSummary { id: string; trialId: string; urn: number; role: string | null; status: 'active' | 'withdrawn' | 'erased'; createdAt: string }

/** The trial's DSLs (pseudonymous; no contact details), by school then id. */
export function listDsls(db: Db, trialId: string): DslSummary[] {
  return (db.prepare('SELECT id, trial_id, urn, role, status, created_at FROM dsls WHERE trial_id = ? ORDER BY urn, id').all(trialId) as Array<Record<string, never>>)
    .map((r) => ({ id: r.id, trialId: r.trial_id, urn: r.urn, role: r.role, status: r.status, createdAt: r.created_at }));
}
