// Survey submit and insertCompleteResponse score CSA vignettes and knowledge with the trial's stored answer key, not only the bundled one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { insertCompleteResponse, scoresOfResponse, submitResponse } from '../../server/storage/response-repo';
import { setAnswerKey } from '../../server/storage/answer-key-repo';

// instruments/csa-identification/cases.json "complete with bundled key": vignettes 1 police, 2 talk, 3 early_help, 4 talk.
const answers = (JSON.parse(fs.readFileSync(new URL('../../instruments/csa-identification/cases.json', import.meta.url), 'utf8')) as
  { cases: { name: string; answers: Record<string, unknown> }[] }).cases.find((c) => c.name === 'complete with bundled key')!.answers;
const at = '2025-03-01T09:00:00.000Z';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(trialId: string) {
  const t = tempDb();
  cleanups.push(t.cleanup);
  const fx = seedSurveyFixture(t.db, crypto.randomBytes(32), { trialId, dsls: 2, instruments: ['csa-identification@1'] });
  const key = (i: number) => ({ invitationId: fx.dsls[i].invitationId, dslId: fx.dsls[i].dslId, waveId: fx.waveId, instruments: ['csa-identification@1'] });
  return { db: t.db, fx, key };
}

const scaleValue = (rows: ReturnType<typeof scoresOfResponse>, scale: string) => rows.find((r) => r.scale === scale)?.value;

describe('scores use the trial answer key', () => {
  it('without a trial key, submit scores with the bundled key', () => {
    const { db, key } = setup('nokey');
    const r = submitResponse(db, key(0), answers, at);
    // cases.json: bundled key vignettes 3/4 = 0.75 (vignette 3 early_help is not the bundled contact_csc); knowledge 6/8 = 0.75
    expect(scaleValue(scoresOfResponse(db, r.responseId), 'vignettes')).toBe(0.75);
    expect(scaleValue(scoresOfResponse(db, r.responseId), 'knowledge')).toBe(0.75);
  });

  it('submit and insertCompleteResponse score with the key the evaluator set for the trial', () => {
    const { db, key, fx } = setup('keyed');
    // The trial's experts flip vignette 3's correct action to early help (the bundled key says contact_csc).
    setAnswerKey(db, { trialId: fx.trialId, instrument: 'csa-identification@1', key: { csa_identification_vignette_03: 'early_help' }, at, actor: 'test' });
    const submitted = submitResponse(db, key(0), answers, at);
    const imported = insertCompleteResponse(db, { ...key(1), answers, at });
    for (const id of [submitted.responseId, imported]) {
      const rows = scoresOfResponse(db, id);
      // by hand: v1 police in [csc, police] yes; v2 talk in [record, talk] yes; v3 early_help = trial key early_help yes; v4 talk yes -> 4/4 = 1
      expect(scaleValue(rows, 'vignettes')).toBe(1);
      // knowledge is untouched by a vignette key: 6/8 = 0.75 as in cases.json
      expect(scaleValue(rows, 'knowledge')).toBe(0.75);
      expect(rows.every((r) => r.instrument === 'csa-identification@1')).toBe(true);
    }
  });

  it('another trial\'s key does not leak into this trial', () => {
    const { db, key } = setup('mine');
    db.prepare("INSERT INTO trials (id, title, created_at) VALUES ('other', 'Other trial', ?)").run(at);
    setAnswerKey(db, { trialId: 'other', instrument: 'csa-identification@1', key: { csa_identification_vignette_03: 'early_help' }, at, actor: 'test' });
    const r = submitResponse(db, key(0), answers, at);
    // bundled key as in the first test: 3/4
    expect(scaleValue(scoresOfResponse(db, r.responseId), 'vignettes')).toBe(0.75);
  });
});
