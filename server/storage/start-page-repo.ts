// SQL for the respondent start page: a trial's start-page text, and the trial behind a wave.
import type { Db } from './db';
import type { StartPageText } from '../domain/surveys/start-page';

export interface StoredStartPage extends StartPageText { updatedAt: string; updatedBy: string }

export function getStartPageText(db: Db, trialId: string): StoredStartPage | undefined {
  const row = db.prepare('SELECT run_by, purpose, contact, privacy_url, updated_at, updated_by FROM trial_start_pages WHERE trial_id = ?').get(trialId) as
    { run_by: string; purpose: string; contact: string; privacy_url: string; updated_at: string; updated_by: string } | undefined;
  return row && { runBy: row.run_by, purpose: row.purpose, contact: row.contact, privacyUrl: row.privacy_url, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

export function setStartPageText(db: Db, trialId: string, text: StartPageText, at: string, by: string): void {
  db.prepare(`INSERT INTO trial_start_pages (trial_id, run_by, purpose, contact, privacy_url, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (trial_id) DO UPDATE SET run_by = excluded.run_by, purpose = excluded.purpose, contact = excluded.contact,
      privacy_url = excluded.privacy_url, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
    .run(trialId, text.runBy, text.purpose, text.contact, text.privacyUrl, at, by);
}

/** The trial (id and title) a wave belongs to. */
export function trialOfWave(db: Db, waveId: number): { id: string; title: string } | undefined {
  return db.prepare('SELECT t.id, t.title FROM waves w JOIN trials t ON t.id = w.trial_id WHERE w.id = ?').get(waveId) as { id: string; title: string } | undefined;
}
