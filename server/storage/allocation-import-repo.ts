// Brings in an allocation made outside dslkit with its provenance, all or nothing: every enrolled school allocated once, stored as the trial's one randomisation marked imported, audited; the same file and provenance again changes nothing.
import type { Db } from './db';
import { ConflictError, ValidationError, type FieldProblem } from '../../shared/errors';
import { lineProblemsError, parseCsv } from '../domain/csv';
import { checkProvenance, readImportedAllocation } from '../domain/randomisation/imported-allocation';
import { sha256Hex } from '../domain/randomisation/randomise';
import { getRandomisation } from './allocation-repo';
import { IMPORTED_PREFIX } from './allocation-export-repo';
import { listSchoolsInTrial } from './school-repo';
import { recordTrialDesign, requireTrial, setTrialStatus } from './trial-repo';
import { appendAudit } from './audit-repo';

export interface AllocationImportResult { changed: boolean; schools: number; intervention: number; control: number; sha256: string }

export function importAllocation(db: Db, trialId: string, csvText: string, source: string, provenance: { method?: string; seed?: string; software?: string; date?: string }, who: { actor: string; at: string }): AllocationImportResult {
  const trial = requireTrial(db, trialId);
  const p = checkProvenance(provenance, who.at.slice(0, 10));
  const sha256 = sha256Hex(csvText);
  const existing = getRandomisation(db, trialId);
  if (existing) {
    const same = existing.method === `${IMPORTED_PREFIX}${p.method}` && existing.algorithmVersion === p.software && existing.seed === p.seed
      && existing.inputSha256 === sha256 && existing.createdAt.slice(0, 10) === p.date;
    if (same) {
      const n = db.prepare("SELECT count(*) AS n, sum(arm = 'intervention') AS i FROM allocations WHERE trial_id = ?").get(trialId) as { n: number; i: number };
      return { changed: false, schools: n.n, intervention: n.i, control: n.n - n.i, sha256 };
    }
    throw new ConflictError(`trial "${trialId}" already has its allocation (${existing.method}, seed ${existing.seed}, ${existing.createdAt.slice(0, 10)}); an allocation is written once and never replaced`, [{ pointer: '/trial', detail: 'already randomised' }]);
  }
  if (trial.kind !== 'trial') throw new ConflictError(`"${trialId}" is a programme, not a trial: it has no allocation`);
  if (trial.status !== 'setup') throw new ConflictError(`trial "${trialId}" is ${trial.status}; an allocation can be imported only in set-up`);
  const table = parseCsv(csvText, source);
  const { rows, stratumColumn } = readImportedAllocation(table, source);
  const enrolled = new Map(listSchoolsInTrial(db, trialId).map((s) => [s.urn, s.enrolment]));
  const problems: FieldProblem[] = [];
  for (const r of rows) {
    const status = enrolled.get(r.urn);
    if (status === undefined) problems.push({ pointer: `/line/${r.line}/URN`, line: r.line, column: 'URN', detail: `${r.urn} is not a school of trial "${trialId}" (import schools first)` });
    else if (status !== 'enrolled') problems.push({ pointer: `/line/${r.line}/URN`, line: r.line, column: 'URN', detail: `${r.urn} is ${status} in this trial, so it was not randomised` });
  }
  if (problems.length) throw lineProblemsError(source, problems);
  const inFile = new Set(rows.map((r) => r.urn));
  const missing = [...enrolled.entries()].filter(([u, s]) => s === 'enrolled' && !inFile.has(u)).map(([u]) => u);
  if (missing.length) throw new ValidationError(`${source}: ${missing.length} enrolled school${missing.length === 1 ? ' is' : 's are'} not in the file (URN ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}); allocate every enrolled school, or record the others as excluded first (dslkit school status)`);
  if (!rows.some((r) => r.arm === 'intervention') || !rows.some((r) => r.arm === 'control')) throw new ValidationError(`${source}: every school is in one arm; an allocation needs both control and intervention schools`);
  const strata = stratumColumn ? [stratumColumn] : [];
  return db.transaction((): AllocationImportResult => {
    const rid = Number(db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, cluster, created_at, created_by)
      VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`).run(trialId, `${IMPORTED_PREFIX}${p.method}`, p.software, p.seed, sha256, JSON.stringify(strata), `${p.date}T00:00:00.000Z`, who.actor).lastInsertRowid);
    // An imported allocation has no dslkit draw: 0 is stored (the allocation file written back leaves draws out).
    const ins = db.prepare('INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES (?, ?, ?, ?, 0, ?)');
    for (const r of rows) ins.run(trialId, r.urn, rid, r.stratum, r.arm);
    recordTrialDesign(db, trialId, { method: `${IMPORTED_PREFIX}${p.method}`, seed: p.seed, strata });
    setTrialStatus(db, trialId, 'randomised');
    const intervention = rows.filter((r) => r.arm === 'intervention').length;
    appendAudit(db, { at: who.at, actor: who.actor, action: 'allocation.import', trialId, detail: { source, sha256, method: p.method, software: p.software, seed: p.seed, madeOn: p.date, schools: rows.length, intervention, control: rows.length - intervention, strata } });
    return { changed: true, schools: rows.length, intervention, control: rows.length - intervention, sha256 };
  }).immediate();
}
