// `dslkit import responses`: all-or-nothing import of paper or legacy survey returns for a wave as complete, scored responses marked as paper.
import type { Db } from './db';
import { ValidationError, type FieldProblem } from '../../shared/errors';
import { lineProblemsError, parseCsv } from '../domain/csv';
import { byLine } from '../domain/imports/fields';
import { returnHeaderProblems, validateReturns } from '../domain/imports/survey-returns';
import { sha256Hex } from '../domain/randomisation/randomise';
import { appendAudit } from './audit-repo';
import { requireTrial } from './trial-repo';
import { getWave } from './wave-repo';
import { insertCompleteResponse, trialKeyLookup } from './response-repo';
import { canonicalAnswers, instrumentDefs } from '../domain/surveys/submission-rules';

export interface ReturnsImportResult { rows: number; added: number; unchanged: number; sha256: string }

/**
 * Checks the whole file (every DSL an active DSL of the trial invited to the wave, with no response to it yet;
 * every row scorable as a web submission must be), then in ONE transaction stores each return with
 * insertCompleteResponse (same validation and scoring, the trial's answer keys), linked to the DSL's invitation,
 * with its source ('paper'), who entered it and the date, and appends an audit entry (SHA-256 and counts).
 * A row identical to a paper return already imported for that DSL and wave counts as unchanged.
 */
export function importSurveyReturns(db: Db, csvText: string, opts: { trialId: string; wave: string; source: string; enteredBy: string; date?: string; actor: string; at: string }): ReturnsImportResult {
  const trial = requireTrial(db, opts.trialId);
  const wave = getWave(db, trial.id, opts.wave);
  if (!wave) throw new ValidationError(`trial "${trial.id}" has no ${opts.wave} wave`);
  const table = parseCsv(csvText, opts.source);
  const defs = instrumentDefs(wave.instruments);
  const header = returnHeaderProblems(table, defs, opts.date !== undefined);
  if (header.length) throw lineProblemsError(opts.source, header);
  const { returns, problems } = validateReturns(table, defs, { keyFor: trialKeyLookup(db, trial.id), today: opts.at.slice(0, 10), defaultDate: opts.date });
  const dsl = db.prepare('SELECT status FROM dsls WHERE id = ? AND trial_id = ?');
  const invitation = db.prepare('SELECT id FROM invitations WHERE wave_id = ? AND dsl_id = ?');
  const existing = db.prepare(`SELECT r.id, r.status, p.source, p.completed_on AS completedOn,
      (SELECT answers FROM response_snapshots s WHERE s.response_id = r.id ORDER BY s.id DESC LIMIT 1) AS answers
    FROM responses r LEFT JOIN response_sources p ON p.response_id = r.id WHERE r.wave_id = ? AND r.dsl_id = ? ORDER BY r.id LIMIT 1`);
  const dbProblems: FieldProblem[] = [];
  const problem = (line: number, column: string, detail: string) => dbProblems.push({ pointer: `/line/${line}/${column}`, line, column, detail });
  const toAdd: Array<(typeof returns)[number] & { invitationId: number }> = [];
  let unchanged = 0;
  for (const r of returns) {
    const d = dsl.get(r.dslId, trial.id) as { status: string } | undefined;
    if (!d) { problem(r.line, 'dsl_id', `${r.dslId} is not a DSL in trial "${trial.id}"`); continue; }
    if (d.status !== 'active') { problem(r.line, 'dsl_id', `${r.dslId} has withdrawn${d.status === 'erased' ? ' and asked for their data to be erased' : ''}`); continue; }
    const inv = invitation.get(wave.id, r.dslId) as { id: number } | undefined;
    if (!inv) { problem(r.line, 'dsl_id', `${r.dslId} was not invited to the ${wave.name} wave (dslkit invitations --trial ${trial.id} --wave ${wave.name})`); continue; }
    const prior = existing.get(wave.id, r.dslId) as { id: number; status: string; source: string | null; completedOn: string | null; answers: string | null } | undefined;
    if (prior) {
      const same = prior.source === 'paper' && prior.completedOn === r.completedOn && canonicalAnswers(JSON.parse(prior.answers ?? '{}') as Record<string, unknown>) === canonicalAnswers(r.answers);
      if (same) { unchanged += 1; continue; }
      const what = prior.source === 'paper' ? 'a different paper return' : prior.status === 'complete' ? 'a web response' : 'a partly completed web response';
      problem(r.line, 'dsl_id', `${r.dslId} already has ${what} to the ${wave.name} wave; nothing was imported`);
      continue;
    }
    toAdd.push({ ...r, invitationId: inv.id });
  }
  const all = byLine([...problems, ...dbProblems]);
  if (all.length) throw lineProblemsError(opts.source, all);
  if (returns.length === 0) throw new ValidationError(`${opts.source}: no returns after the header row`);
  const sha256 = sha256Hex(csvText);
  const mark = db.prepare('INSERT INTO response_sources (response_id, source, entered_by, completed_on, entered_at, file_sha256, file_line) VALUES (?, \'paper\', ?, ?, ?, ?, ?)');
  return db.transaction(() => {
    for (const r of toAdd) {
      const id = insertCompleteResponse(db, { invitationId: r.invitationId, dslId: r.dslId, waveId: wave.id, instruments: wave.instruments, answers: r.answers, at: `${r.completedOn}T00:00:00.000Z` });
      mark.run(id, opts.enteredBy, r.completedOn, opts.at, sha256, r.line);
    }
    const result = { rows: returns.length, added: toAdd.length, unchanged, sha256 };
    appendAudit(db, { at: opts.at, actor: opts.actor, action: 'import.responses', trialId: trial.id, detail: { sha256, wave: wave.name, rows: result.rows, added: result.added, unchanged, enteredBy: opts.enteredBy } });
    return result;
  }).immediate();
}
