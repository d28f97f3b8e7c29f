// SQL for a trial's one-and-only randomisation: runs the shared randomisation code on the enrolled schools, stores it write-once, audits refusals.
import type { Db } from './db';
import { ConflictError, ValidationError } from '../../shared/errors';
import { toCsv } from '../domain/csv';
import { randomiseTable, sha256Hex, type RandomisationResult, type RandomiseOptions } from '../domain/randomisation/randomise';
import { trialFsmColumn } from '../domain/randomisation/fsm-column';
import { appendAudit } from './audit-repo';
import { enrolledSchoolsTable } from './school-repo';
import { recordTrialDesign, requireTrial, setTrialStatus } from './trial-repo';

export interface StoredRandomisation {
  id: number; trialId: string; method: string; algorithmVersion: string; seed: number; inputSha256: string;
  strata: string[]; cluster: string | null; createdAt: string; createdBy: string;
  /** The column niesr-fsm-median blocked on (PercentageFSM or PNUMFSMEVER); null for another method or an allocation made before dslkit recorded it (PercentageFSM). */
  fsmColumn: string | null;
}

export function getRandomisation(db: Db, trialId: string): StoredRandomisation | undefined {
  const r = db.prepare('SELECT * FROM randomisations WHERE trial_id = ?').get(trialId) as Record<string, never> | undefined;
  return r && {
    id: r.id, trialId: r.trial_id, method: r.method, algorithmVersion: r.algorithm_version, seed: r.seed, inputSha256: r.input_sha256,
    strata: JSON.parse(r.strata) as string[], cluster: r.cluster, createdAt: r.created_at, createdBy: r.created_by, fsmColumn: r.fsm_column ?? null,
  };
}

export interface StoredAllocation { urn: number; stratum: string; draw: number; arm: 'control' | 'intervention' }

export function listAllocations(db: Db, trialId: string): StoredAllocation[] {
  return db.prepare('SELECT urn, stratum, draw, arm FROM allocations WHERE trial_id = ? ORDER BY urn').all(trialId) as StoredAllocation[];
}

/**
 * Randomises a trial's enrolled schools once. The input hashed is the canonical CSV of the enrolled
 * schools (GIAS columns, by URN), so `dslkit randomise --verify` can re-derive it from an export.
 * A local-authority trial is randomised with --cluster "LA (code)" unless another cluster is given.
 * A second attempt (or a trial not in set-up, or a programme) is refused with a ConflictError, and the
 * refusal is written to the audit log (committed even though the call fails).
 */
export function randomiseTrial(db: Db, trialId: string, opts: Omit<RandomiseOptions, 'idColumn'>, who: { actor: string; at: string }): { result: RandomisationResult; inputCsv: string } {
  const trial = requireTrial(db, trialId);
  const refuse = (message: string): never => {
    appendAudit(db, { at: who.at, actor: who.actor, action: 'randomise.refused', trialId, detail: { reason: message, seed: opts.seed, method: opts.method } });
    throw new ConflictError(message, [{ pointer: '/trial', detail: message }]);
  };
  const existing = getRandomisation(db, trialId);
  if (existing) refuse(`trial "${trialId}" was already randomised on ${existing.createdAt} (${existing.method}, seed ${existing.seed}); an allocation is written once and never redone`);
  if (trial.kind !== 'trial') refuse(`"${trialId}" is a programme, not a trial: it has no randomisation`);
  if (trial.status !== 'setup') refuse(`trial "${trialId}" is ${trial.status}; only a trial in set-up can be randomised`);
  const cluster = opts.cluster ?? (trial.unit === 'local_authority' ? 'LA (code)' : undefined);
  const fsm = opts.method === 'niesr-fsm-median' ? trialFsmColumn(opts.fsmColumn) : null;
  if (!fsm && opts.fsmColumn) throw new ValidationError(`--fsm-column chooses the FSM variable of niesr-fsm-median's blocks; it has no use with --method ${opts.method}`);
  // An imported covariate joins the table only when the blocks use it, so every other randomisation's input (and SHA-256) is as before.
  const { table, columns } = enrolledSchoolsTable(db, trialId, undefined, fsm?.covariate ? [fsm.covariate] : []);
  if (table.rows.length < 2) throw new ValidationError(`trial "${trialId}" has ${table.rows.length} enrolled school(s); enrol schools with dslkit import schools --trial ${trialId}`);
  if (fsm?.covariate) {
    const without = table.rows.filter((r) => r.values[fsm.column] === '').map((r) => r.values.URN);
    if (without.length) {
      throw new ValidationError(`trial "${trialId}": ${without.length} of ${table.rows.length} enrolled schools have no ${fsm.column} value (URN ${without.slice(0, 10).join(', ')}${without.length > 10 ? ', ...' : ''}); niesr-fsm-median needs every school's: import them with dslkit import covariates --trial ${trialId} <file.csv>`,
        without.map((urn) => ({ pointer: `/schools/${urn}`, column: fsm.column, detail: `URN ${urn} has no ${fsm.column} value` })));
    }
  }
  const inputCsv = toCsv(columns, table.rows.map((r) => r.values));
  const result = randomiseTable(table, { ...opts, cluster, idColumn: 'URN', ...(fsm ? { fsmColumn: fsm.column } : {}) }, { sha256: sha256Hex(inputCsv), source: `trial ${trialId}` });
  db.transaction(() => {
    if (getRandomisation(db, trialId)) throw new ConflictError(`trial "${trialId}" was randomised meanwhile`);
    const rid = Number(db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, cluster, created_at, created_by, fsm_column)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(trialId, result.method, result.algorithmVersion, result.seed, result.inputSha256,
      JSON.stringify(result.strata), result.cluster ?? null, who.at, who.actor, result.fsmColumn ?? null).lastInsertRowid);
    const ins = db.prepare('INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES (?, ?, ?, ?, ?, ?)');
    for (const s of result.schools) ins.run(trialId, Number(s.id), rid, s.stratum, s.draw, s.arm);
    recordTrialDesign(db, trialId, { method: result.method, seed: result.seed, strata: result.strata });
    setTrialStatus(db, trialId, 'randomised');
    appendAudit(db, { at: who.at, actor: who.actor, action: 'randomise', trialId, detail: {
      method: result.method, algorithm: result.algorithmVersion, seed: result.seed, inputSha256: result.inputSha256, strata: result.strata,
      cluster: result.cluster ?? null, ...(result.fsmColumn ? { fsmColumn: result.fsmColumn, fsmMedian: result.fsmMedian } : {}), schools: result.schools.length, counts: result.unitCounts,
      previews: (db.prepare("SELECT count(*) AS n FROM audit_log WHERE trial_id = ? AND action = 'randomise.preview'").get(trialId) as { n: number }).n,
    } });
  }).immediate();
  return { result, inputCsv };
}
