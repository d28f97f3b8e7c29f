// Unit tests of each rule type of the scoring engine, including the cases that must give null with a reason.
import { describe, it, expect } from 'vitest';
import type { InstrumentDef, ItemDef } from '../../instruments/registry';
import { scoreInstrument, roundHalfUp, effectiveKey } from '../../instruments/score';
import type { ScaleRule } from '../../instruments/scoring-rules';

const five: ItemDef[] = [1, 2, 3, 4, 5].map((n) => ({ id: `t_0${n}`, kind: 'choice', values: [0, 1, 2, 3, 4], page: 0 }));
const abc: ItemDef[] = [1, 2, 3].map((n) => ({ id: `t_k${n}`, kind: 'choice', values: ['a', 'b', 'c'], page: 0 }));
const num: ItemDef = { id: 't_n', kind: 'number', min: 0, max: 600, page: 0 };

function defWith(...scales: Array<Partial<ScaleRule> & Pick<ScaleRule, 'method' | 'items'>>): InstrumentDef {
  const rules = scales.map((s, i) => ({ id: s.id ?? `s${i}`, label: 'x', direction: 'none' as const, ...s }));
  return {
    id: 't', version: 2, key: 't@2', title: 'T', respondent: 'dsl', standardised: false, direction: {}, survey: {},
    scoring: { id: 't', version: 2, title: 'T', respondent: 'dsl', standardised: false, licenceNote: 'x', scales: rules },
    items: [...five, ...abc, num], scales: rules.map((r) => r.id), needsLicensedText: false, licenceNote: 'x',
  };
}
const ids = five.map((i) => i.id);
const one = (def: InstrumentDef, answers: Record<string, unknown>, opts = {}) => Object.values(scoreInstrument(def, answers, opts).scales)[0];

describe('scoreInstrument', () => {
  it('labels the result with id@version', () => {
    expect(scoreInstrument(defWith({ method: 'sum', items: ids }), {}).instrument).toBe('t@2');
  });

  it('sums, needing every item by default', () => {
    const def = defWith({ method: 'sum', items: ids });
    expect(one(def, { t_01: 1, t_02: 2, t_03: 3, t_04: 4, t_05: 0 })).toEqual({ value: 10 }); // 1+2+3+4+0
    expect(one(def, { t_01: 1, t_02: 2, t_03: 3, t_04: 4 })).toEqual({ value: null, reason: '4 of 5 items answered; at least 5 needed' });
  });

  it('reverses items as min + max - v', () => {
    const def = defWith({ method: 'sum', items: ids, reverse: { items: ['t_01', 't_02'], min: 0, max: 4 } });
    expect(one(def, { t_01: 0, t_02: 1, t_03: 0, t_04: 0, t_05: 0 }).value).toBe(7); // (4-0) + (4-1) = 7
  });

  it('recodes by map before summing, and a value outside the map is null with a reason', () => {
    const def = defWith({ method: 'sum', items: ['t_01', 't_02'], recode: [{ items: ['t_01'], map: { 0: 10, 1: 20, 2: 30, 3: 40 } }] });
    expect(one(def, { t_01: 2, t_02: 4 }).value).toBe(34); // 30 + 4
    expect(one(def, { t_01: 4, t_02: 4 })).toEqual({ value: null, reason: 't_01: answer 4 has no recode value' });
  });

  it('prorates a sum within the missing-item rule and refuses beyond it', () => {
    const def = defWith({ method: 'sum', items: ids, maxMissing: 1, prorate: true });
    expect(one(def, { t_01: 1, t_02: 2, t_03: 3, t_04: 4 }).value).toBe(12.5); // (1+2+3+4)/4 x 5
    expect(one(def, { t_01: 1, t_02: 2, t_03: 3 }).value).toBeNull();
  });

  it('without prorate, a sum with missing items is null even when the missing rule allows a mean', () => {
    const def = defWith({ method: 'sum', items: ids, maxMissing: 1 });
    expect(one(def, { t_01: 1, t_02: 2, t_03: 3, t_04: 4 })).toEqual({ value: null, reason: '4 of 5 items answered; at least 5 needed' });
  });

  it('means answered items with a minimum answered', () => {
    const def = defWith({ method: 'mean', items: ids, minAnswered: 3, round: 2 });
    expect(one(def, { t_01: 1, t_02: 2, t_03: 2 }).value).toBe(1.67); // 5/3 = 1.666… -> 1.67
    expect(one(def, { t_01: 1, t_02: 2 })).toEqual({ value: null, reason: '2 of 5 items answered; at least 3 needed' });
    expect(one(def, {})).toEqual({ value: null, reason: 'no items answered (at least 3 of 5 needed)' });
  });

  it('treats null and blank text as missing, never as 0', () => {
    const def = defWith({ method: 'mean', items: ['t_01', 't_02'], minAnswered: 1 });
    expect(one(def, { t_01: null, t_02: 4 }).value).toBe(4);
    expect(one(def, { t_01: '', t_02: null }).value).toBeNull();
  });

  it('returns null with a reason for an answer the item does not allow (never NaN)', () => {
    const def = defWith({ method: 'sum', items: ids });
    const got = one(def, { t_01: 7, t_02: 1, t_03: 1, t_04: 1, t_05: 1 });
    expect(got).toEqual({ value: null, reason: 't_01: answer 7 is not one of 0, 1, 2, 3, 4' });
    expect(one(def, { t_01: '1', t_02: 1, t_03: 1, t_04: 1, t_05: 1 }).value).toBeNull();
    expect(one(defWith({ method: 'value', items: ['t_n'] }), { t_n: 'abc' })).toEqual({ value: null, reason: 't_n: answer "abc" is not a number' });
  });

  it('looks the combined value up in a table, null when the table has no row', () => {
    const def = defWith({ method: 'sum', items: ['t_01', 't_02'], lookup: { 0: 5, 1: 6.5, 2: 8 } });
    expect(one(def, { t_01: 1, t_02: 1 }).value).toBe(8);
    expect(one(def, { t_01: 4, t_02: 4 })).toEqual({ value: null, reason: 'no conversion-table entry for raw score 8' });
  });

  it('bands by the first inclusive range that holds the value', () => {
    const def = defWith({ method: 'value', items: ['t_01'], bands: [{ label: 'low', max: 1 }, { label: 'mid', min: 2, max: 3 }, { label: 'high', min: 4 }] });
    expect(one(def, { t_01: 1 })).toEqual({ value: 1, band: 'low' });
    expect(one(def, { t_01: 2 })).toEqual({ value: 2, band: 'mid' });
    expect(one(def, { t_01: 4 })).toEqual({ value: 4, band: 'high' });
    expect(one(def, {})).toEqual({ value: null, reason: 'not answered' });
  });

  it('multiplies and rounds a number item', () => {
    const def = defWith({ method: 'value', items: ['t_n'], multiply: 1 / 60, round: 2 });
    expect(one(def, { t_n: 45 }).value).toBe(0.75); // 45/60
    expect(one(def, { t_n: 0 }).value).toBe(0);
  });

  it('counts answered items and items equal to given values (a real 0 when none)', () => {
    expect(one(defWith({ method: 'countAnswered', items: ids }), { t_01: 0, t_03: 2, t_04: null }).value).toBe(2);
    expect(one(defWith({ method: 'countAnswered', items: ids }), {}).value).toBe(0);
    expect(one(defWith({ method: 'countEqual', items: ids, equals: [3, 4] }), { t_01: 4, t_02: 3, t_03: 1 }).value).toBe(2);
  });

  it('scores proportion correct against a key, with multiple accepted answers and per-trial overrides', () => {
    const def = defWith({ method: 'proportionCorrect', items: abc.map((i) => i.id), key: { t_k1: 'a', t_k2: ['b', 'c'], t_k3: 'c' }, maxMissing: 1, round: 3 });
    expect(one(def, { t_k1: 'a', t_k2: 'c', t_k3: 'a' }).value).toBe(0.667); // 2 of 3
    expect(one(def, { t_k1: 'a', t_k2: 'c' }).value).toBe(1); // 2 of 2 answered
    expect(one(def, { t_k1: 'a' })).toEqual({ value: null, reason: '1 of 3 items answered; at least 2 needed' });
    // the trial accepts 'a' for item 3 and drops item 2 from the key
    expect(one(def, { t_k1: 'a', t_k2: 'a', t_k3: 'a' }, { keyOverrides: { t_k3: 'a', t_k2: null } }).value).toBe(1);
    expect(one(def, { t_k1: 'b' }, { keyOverrides: { t_k1: null, t_k2: null, t_k3: null } })).toEqual({ value: null, reason: 'the answer key scores none of these items' });
  });

  it('effectiveKey applies only overrides naming the scale items', () => {
    const rule = { id: 'k', label: 'k', direction: 'none', items: ['t_k1', 't_k2'], method: 'proportionCorrect', key: { t_k1: 'a', t_k2: 'b' } } as ScaleRule;
    expect(effectiveKey(rule, { t_k2: 'c', other: 'x' })).toEqual({ t_k1: 'a', t_k2: 'c' });
  });
});

describe('roundHalfUp', () => {
  it('rounds halves away from zero in decimal, unlike toFixed', () => {
    expect(roundHalfUp(1.005, 2)).toBe(1.01); // (1.005).toFixed(2) is "1.00"
    expect(roundHalfUp(3.375, 2)).toBe(3.38);
    expect(roundHalfUp(-2.5, 0)).toBe(-3);
    expect(roundHalfUp(1e-7, 2)).toBe(0);
  });
});
