// Pure rescore planning: which stored rows differ from a recomputation, version changes, instruments no longer installed, and the per-scale summary.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getRegistry, type InstrumentDef } from '../../instruments/registry';
import { describePlan, planRescore, scoreRows, type ScoreRow, type StoredResponse } from '../../server/domain/surveys/rescore';

const registry = getRegistry();
const pss = registry.get('pss10');
// instruments/pss10/cases.json "complete": total 26 (Cohen's reverse-and-sum rule).
const pssAnswers = (JSON.parse(fs.readFileSync(new URL('../../instruments/pss10/cases.json', import.meta.url), 'utf8')) as
  { cases: { name: string; answers: Record<string, unknown> }[] }).cases.find((c) => c.name === 'complete')!.answers;
const installed = (id: string): InstrumentDef | undefined => registry.list().find((d) => d.id === id);
const noKeys = () => undefined;
const row = (instrument: string, scale: string, value: number | null, reason: string | null = null): ScoreRow => ({ instrument, scale, value, reason, band: null });

describe('planRescore', () => {
  it('leaves responses whose stored rows equal a recomputation alone', () => {
    const stored = scoreRows([pss], pssAnswers, noKeys);
    expect(stored).toEqual([row('pss10@1', 'total', 26)]);
    const plan = planRescore([{ responseId: 1, instruments: ['pss10@1'], answers: pssAnswers, stored }], { currentDef: installed, keyFor: noKeys });
    expect(plan).toMatchObject({ responsesConsidered: 1, responsesChanged: 0, valuesChanged: 0, changes: [] });
    expect(describePlan(plan)).toEqual([]);
  });

  it('replaces a wrong value and a row from an older version, and reports the version change', () => {
    const responses: StoredResponse[] = [
      { responseId: 1, instruments: ['pss10@1'], answers: pssAnswers, stored: [row('pss10@1', 'total', 30)] },
      { responseId: 2, instruments: ['pss10@0'], answers: pssAnswers, stored: [row('pss10@0', 'total', 26)] },
      { responseId: 3, instruments: ['pss10@1'], answers: null, stored: [] },
    ];
    const plan = planRescore(responses, { currentDef: installed, keyFor: noKeys });
    expect(plan.changes).toEqual([
      { responseId: 1, remove: [{ instrument: 'pss10@1', scale: 'total' }], insert: [row('pss10@1', 'total', 26)] },
      { responseId: 2, remove: [{ instrument: 'pss10@0', scale: 'total' }], insert: [row('pss10@1', 'total', 26)] },
    ]);
    expect(plan).toMatchObject({ responsesConsidered: 3, responsesWithoutAnswers: 1, responsesChanged: 2, valuesChanged: 2, versionChanges: [{ from: 'pss10@0', to: 'pss10@1', responses: 1 }] });
    // old values 30 and 26 (mean 28) -> 26 and 26
    expect(describePlan(plan)).toEqual([
      'pss10@0 answers scored with the installed rules pss10@1 (1 response)',
      'pss10@1 total: 2 of 2 changed; mean 28 (n 2) -> 26 (n 2); 30 -> 26 (1), 26 -> 26 (1)',
    ]);
  });

  it('keeps scores of instruments no longer installed and of instruments outside --instrument', () => {
    const stored = [row('gone@1', 'total', 5), row('pss10@1', 'total', 1)];
    const plan = planRescore([{ responseId: 1, instruments: ['gone@1', 'pss10@1'], answers: pssAnswers, stored }], { currentDef: installed, keyFor: noKeys });
    expect(plan.missingInstruments).toEqual(['gone']);
    expect(plan.changes).toEqual([{ responseId: 1, remove: [{ instrument: 'pss10@1', scale: 'total' }], insert: [row('pss10@1', 'total', 26)] }]);
    const narrowed = planRescore([{ responseId: 1, instruments: ['gone@1', 'pss10@1'], answers: pssAnswers, stored }], { currentDef: installed, keyFor: noKeys, instrumentId: 'gone' });
    expect(narrowed).toMatchObject({ changes: [], missingInstruments: ['gone'] });
  });

  it('a reason change with no value on either side still counts as a change', () => {
    const plan = planRescore([{ responseId: 1, instruments: ['pss10@1'], answers: {}, stored: [row('pss10@1', 'total', null, 'old reason')] }], { currentDef: installed, keyFor: noKeys });
    expect(plan.valuesChanged).toBe(1);
    expect(plan.changes[0].insert[0].value).toBeNull();
    expect(plan.changes[0].insert[0].reason).not.toBe('old reason');
  });
});
