// SQL for survey waves (baseline, midpoint, endline): dates and the instruments asked, stored as 'id@version'.
import type { Db } from './db';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { requireTrial } from './trial-repo';
import { waveInstrumentRefusal } from '../domain/session-forms/forms';
import type { Arm, WaveAudience } from '../domain/waves/audience';

export type WaveName = 'baseline' | 'midpoint' | 'endline';
export const WAVE_NAMES: readonly WaveName[] = ['baseline', 'midpoint', 'endline'];

export interface Wave extends WaveAudience { id: number; trialId: string; name: WaveName; opensAt: string; closesAt: string; instruments: string[] }

interface WaveRow { id: number; trial_id: string; name: WaveName; opens_at: string; closes_at: string; instruments: string; arms: string | null; min_sessions: number | null }
const fromRow = (r: WaveRow): Wave => ({
  id: r.id, trialId: r.trial_id, name: r.name, opensAt: r.opens_at, closesAt: r.closes_at, instruments: JSON.parse(r.instruments) as string[],
  arms: r.arms ? JSON.parse(r.arms) as Arm[] : null, minSessions: r.min_sessions,
});

/** Reads an ISO date (YYYY-MM-DD, taken as 00:00 UTC) or date-time and returns it as ISO-8601 UTC; undefined when not a valid time. */
export function toIsoUtc(s: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s.replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && d.toISOString().slice(0, 10) !== s.slice(0, 10) && !/[+-]\d{2}:?\d{2}$/.test(s)) return undefined;
  return d.toISOString();
}

/**
 * Creates a wave; `instruments` must already be resolved to 'id@version'. One wave of each name per trial. `arms` and `minSessions`
 * limit who is invited (the Bolton evaluation form: intervention DSLs with three formal sessions); default every active DSL.
 */
export function createWave(db: Db, w: { trialId: string; name: string; opensAt: string; closesAt: string; instruments: string[]; arms?: Arm[] | null; minSessions?: number | null }): Wave {
  const trial = requireTrial(db, w.trialId);
  const problems: string[] = [];
  if (!(WAVE_NAMES as readonly string[]).includes(w.name)) problems.push(`wave name "${w.name}" must be one of ${WAVE_NAMES.join(', ')}`);
  const opens = toIsoUtc(w.opensAt);
  const closes = toIsoUtc(w.closesAt);
  if (!opens) problems.push(`opens "${w.opensAt}" is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)`);
  if (!closes) problems.push(`closes "${w.closesAt}" is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)`);
  if (opens && closes && closes <= opens) problems.push(`the wave must close after it opens (${closes} is not after ${opens})`);
  if (w.instruments.length === 0) problems.push('a wave needs at least one instrument');
  const dup = w.instruments.find((k, i) => w.instruments.indexOf(k) !== i);
  if (dup) problems.push(`instrument ${dup} is listed twice`);
  for (const k of w.instruments) { const refusal = waveInstrumentRefusal(k); if (refusal) problems.push(refusal); }
  const minSessions = w.minSessions ?? null;
  if (minSessions !== null && (!Number.isInteger(minSessions) || minSessions < 1 || minSessions > 50)) problems.push('the least number of formal sessions must be a whole number from 1 to 50');
  if ((w.arms || minSessions !== null) && trial.kind === 'programme') problems.push('a programme has no arms or trial dosage: its waves go to every active DSL');
  if (problems.length) throw new ValidationError(problems.join('\n'), problems.map((d) => ({ pointer: '/wave', detail: d })));
  if (getWave(db, w.trialId, w.name)) throw new ConflictError(`trial "${w.trialId}" already has a ${w.name} wave`);
  const id = Number(db.prepare('INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments, arms, min_sessions) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(w.trialId, w.name, opens, closes, JSON.stringify(w.instruments), w.arms ? JSON.stringify(w.arms) : null, minSessions).lastInsertRowid);
  return getWaveById(db, id)!;
}

export function getWave(db: Db, trialId: string, name: string): Wave | undefined {
  const r = db.prepare('SELECT * FROM waves WHERE trial_id = ? AND name = ?').get(trialId, name) as WaveRow | undefined;
  return r ? fromRow(r) : undefined;
}

export function getWaveById(db: Db, id: number): Wave | undefined {
  const r = db.prepare('SELECT * FROM waves WHERE id = ?').get(id) as WaveRow | undefined;
  return r ? fromRow(r) : undefined;
}

export function requireWave(db: Db, trialId: string, name: string): Wave {
  const w = getWave(db, trialId, name);
  if (!w) throw new NotFoundError(`trial "${trialId}" has no ${name} wave`, [{ pointer: '/wave', detail: `no ${name} wave` }]);
  return w;
}

/** The trial's waves in baseline, midpoint, endline order. */
export function listWaves(db: Db, trialId: string): Wave[] {
  const order = (n: WaveName) => WAVE_NAMES.indexOf(n);
  return (db.prepare('SELECT * FROM waves WHERE trial_id = ?').all(trialId) as WaveRow[]).map(fromRow).sort((a, b) => order(a.name) - order(b.name));
}

/** Whether a wave is open at `now` (opens_at <= now < closes_at). */
export function waveState(w: Wave, now: Date): 'not_open' | 'open' | 'closed' {
  const t = now.toISOString();
  return t < w.opensAt ? 'not_open' : t < w.closesAt ? 'open' : 'closed';
}
