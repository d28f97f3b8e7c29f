// SQL for a trial's supervision settings: sessions intended, the interval between sessions, the intervention end date, and its topics.
import type { Db } from './db';
import { ValidationError } from '../../shared/errors';
import { appendAudit } from './audit-repo';
import { isIsoDate, requireTrial } from './trial-repo';
import type { TopicDef } from '../domain/supervision/trial-settings';

export interface SupervisionSettings { sessionsIntended?: number | null; intervalWeeks?: [number, number]; endsOn?: string | null; topics?: TopicDef[] }

/** Changes the given settings (the others stay) in one transaction, audited as 'trial.settings'. */
export function updateSupervisionSettings(db: Db, trialId: string, s: SupervisionSettings, by: { actor: string; at: string }): void {
  requireTrial(db, trialId);
  const problems: string[] = [];
  if (s.sessionsIntended != null && (!Number.isInteger(s.sessionsIntended) || s.sessionsIntended < 0 || s.sessionsIntended > 50)) problems.push('sessions intended must be a whole number from 0 to 50');
  if (s.endsOn != null && !isIsoDate(s.endsOn)) problems.push(`the end date "${s.endsOn}" is not a date written YYYY-MM-DD`);
  if (problems.length) throw new ValidationError(problems.join('\n'), problems.map((detail) => ({ pointer: '/trial', detail })));
  db.transaction(() => {
    if (s.sessionsIntended !== undefined) db.prepare('UPDATE trials SET sessions_intended = ? WHERE id = ?').run(s.sessionsIntended, trialId);
    if (s.intervalWeeks) db.prepare('UPDATE trials SET session_interval_weeks = ? WHERE id = ?').run(JSON.stringify(s.intervalWeeks), trialId);
    if (s.endsOn !== undefined) db.prepare('UPDATE trials SET ends_on = ? WHERE id = ?').run(s.endsOn, trialId);
    if (s.topics) {
      db.prepare('DELETE FROM trial_topics WHERE trial_id = ?').run(trialId);
      const ins = db.prepare('INSERT INTO trial_topics (trial_id, code, label, position) VALUES (?, ?, ?, ?)');
      s.topics.forEach((t, i) => ins.run(trialId, t.code, t.label, i));
    }
    appendAudit(db, { at: by.at, actor: by.actor, action: 'trial.settings', trialId, detail: { ...s } });
  })();
}

/** The trial's topics in their order. */
export function trialTopics(db: Db, trialId: string): TopicDef[] {
  return db.prepare('SELECT code, label FROM trial_topics WHERE trial_id = ? ORDER BY position').all(trialId) as TopicDef[];
}
