// Response repository: append-only snapshots, one transaction per submit, insertCompleteResponse for seeding and imports.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import { responseCounts, seedSurveyFixture } from '../helpers/survey-fixture';
import { findResponseForInvitation, insertCompleteResponse, saveProgress, scoresOfResponse, submitResponse } from '../../server/storage/response-repo';
import { ConflictError, ValidationError } from '../../shared/errors';

const pss = (JSON.parse(fs.readFileSync(new URL('../../instruments/pss10/cases.json', import.meta.url), 'utf8')) as
  { cases: { name: string; answers: Record<string, number>; expected: { total: { value: number } } }[] }).cases.find((c) => c.name === 'complete')!;
const at = '2025-03-01T09:00:00.000Z';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup() {
  const t = tempDb();
  cleanups.push(t.cleanup);
  const fx = seedSurveyFixture(t.db, crypto.randomBytes(32), { dsls: 3 });
  const key = (i: number) => ({ invitationId: fx.dsls[i].invitationId, dslId: fx.dsls[i].dslId, waveId: fx.waveId, instruments: ['pss10@1'] });
  return { db: t.db, fx, key };
}

describe('response repository', () => {
  it('keeps every progress snapshot; the newest is the current answers; snapshots cannot be updated', () => {
    const { db, key } = setup();
    saveProgress(db, key(0), { pss10_01: 1 }, 0, at);
    saveProgress(db, key(0), { pss10_01: 3, pss10_02: 2 }, 0, '2025-03-01T09:05:00.000Z');
    const state = findResponseForInvitation(db, key(0).invitationId)!;
    expect(state.answers).toEqual({ pss10_01: 3, pss10_02: 2 });
    const snaps = db.prepare('SELECT answers FROM response_snapshots WHERE response_id = ? ORDER BY id').all(state.id) as { answers: string }[];
    expect(snaps.map((s) => JSON.parse(s.answers))).toEqual([{ pss10_01: 1 }, { pss10_01: 3, pss10_02: 2 }]);
    expect(() => db.prepare("UPDATE response_snapshots SET answers = '{}'").run()).toThrow(/never overwritten/);
  });

  it('submits once: a retry of the same answers returns the first result and stores nothing new; different answers are refused, not dropped', () => {
    const { db, key } = setup();
    const first = submitResponse(db, key(1), pss.answers, at);
    const counts = responseCounts(db);
    const again = submitResponse(db, key(1), { ...pss.answers }, '2025-03-02T00:00:00.000Z');
    expect(again).toEqual({ ...first, alreadySubmitted: true });
    expect(() => submitResponse(db, key(1), { pss10_01: 0 }, '2025-03-02T00:00:00.000Z')).toThrow(ConflictError);
    expect(responseCounts(db)).toEqual(counts);
    // instruments/pss10/cases.json "complete": total 26 by Cohen's reverse-and-sum rule
    expect(scoresOfResponse(db, first.responseId)).toEqual([{ instrument: 'pss10@1', scale: 'total', value: 26, reason: null, band: null }]);
    expect(() => saveProgress(db, key(1), {}, 0, at)).toThrow(ConflictError);
  });

  it('insertCompleteResponse stores an import snapshot and scores, refuses a second response and invalid answers', () => {
    const { db, key } = setup();
    const id = insertCompleteResponse(db, { ...key(2), answers: pss.answers, at });
    expect(findResponseForInvitation(db, key(2).invitationId)).toMatchObject({ id, status: 'complete', submittedAt: at, answers: pss.answers });
    expect((db.prepare('SELECT kind FROM response_snapshots WHERE response_id = ?').all(id) as { kind: string }[]).map((r) => r.kind)).toEqual(['import']);
    expect(scoresOfResponse(db, id)[0]).toMatchObject({ instrument: 'pss10@1', scale: 'total', value: pss.expected.total.value });
    expect(() => insertCompleteResponse(db, { ...key(2), answers: pss.answers, at })).toThrow(ConflictError);
    const before = responseCounts(db);
    expect(() => insertCompleteResponse(db, { ...key(0), answers: { pss10_01: 9 }, at })).toThrow(ValidationError);
    expect(responseCounts(db)).toEqual(before);
  });

  it('insertCompleteResponse nests in a seeder transaction and accepts a response without an invitation (paper returns)', () => {
    const { db, key, fx } = setup();
    const ids = db.transaction(() => [
      insertCompleteResponse(db, { ...key(0), answers: pss.answers, at }),
      insertCompleteResponse(db, { invitationId: null, dslId: fx.dsls[1].dslId, waveId: fx.waveId, instruments: ['pss10@1'], answers: {}, at }),
    ])();
    expect(ids).toHaveLength(2);
    // nothing answered: PSS-10 total cannot be computed, so null with a reason (never 0)
    const empty = scoresOfResponse(db, ids[1])[0];
    expect(empty.value).toBeNull();
    expect(empty.reason).toBeTruthy();
  });
});
