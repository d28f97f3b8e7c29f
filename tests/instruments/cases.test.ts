// Runs every instruments/<id>/cases.json through the engine, and checks each survey.json against scoring.json and survey-core.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { Model } from 'survey-core';
import { getRegistry, buildWaveSurvey } from '../../instruments/registry';
import { scoreInstrument } from '../../instruments/score';
import { casesFileSchema, type ScoringSpec } from '../../instruments/scoring-rules';

const instrumentsDir = path.resolve(__dirname, '../../instruments');
const registry = getRegistry({ placeholderText: true });
const defs = registry.list();

describe('instrument folders', () => {
  it('has every instrument the design names', () => {
    expect(defs.map((d) => d.id).sort()).toEqual([
      'cbi', 'csa-identification', 'dsl-confidence', 'dsl-evaluation', 'dsl-preparation', 'dsl-time-log',
      'ons4', 'pss10', 'supervision-record', 'swemwbs', 'wemwbs',
    ]);
  });
  it('has the stable scale ids from INSTRUMENTS.md', () => {
    expect(registry.get('ons4').scales).toEqual(['life_satisfaction', 'worthwhile', 'happy', 'anxious']);
    expect(registry.get('pss10').scales).toEqual(['total']);
    expect(registry.get('cbi').scales).toEqual(['personal', 'work']);
    expect(registry.get('wemwbs').scales).toEqual(['total']);
    expect(registry.get('swemwbs').scales).toEqual(['raw', 'metric']);
    expect(registry.get('dsl-confidence').scales).toEqual(['mean']);
    expect(registry.get('csa-identification').scales).toEqual(['confidence', 'knowledge', 'vignettes', 'concerns']);
  });
  it('has a README with citation, licence, version, direction and missing-item rule', () => {
    for (const d of defs) {
      const readme = fs.readFileSync(path.join(instrumentsDir, d.id, 'README.md'), 'utf8');
      for (const heading of ['## Citation', '## Licence', '## Version', '## Direction', '## Missing items']) expect(readme, `${d.id} ${heading}`).toContain(heading);
      expect(readme).toContain(`${d.id}@${d.version}`);
      if (!d.standardised) expect(readme, d.id).toContain('not a standardised measure');
    }
  });
});

for (const def of defs) {
  describe(`${def.key}`, () => {
    const file = casesFileSchema.parse(JSON.parse(fs.readFileSync(path.join(instrumentsDir, def.id, 'cases.json'), 'utf8')));
    const spec = def.scoring as ScoringSpec;

    for (const c of file.cases) {
      // Each case carries its own `source` (hand computation or published table) for the expected values.
      it(`case: ${c.name}`, () => {
        const result = scoreInstrument(def, c.answers, { keyOverrides: c.keyOverrides });
        expect(result.instrument).toBe(def.key);
        expect(Object.keys(result.scales)).toEqual(def.scales);
        for (const [scale, want] of Object.entries(c.expected)) {
          const got = result.scales[scale];
          expect(got, scale).toBeDefined();
          if (want.value === null) {
            expect(got.value, scale).toBeNull();
            expect(got.reason, scale).toBeTruthy();
            if (want.reason) expect(got.reason, scale).toBe(want.reason);
          } else {
            expect(got.value, scale).toBeCloseTo(want.value, 10);
            expect(got.reason, scale).toBeUndefined();
          }
          expect(got.band, scale).toBe(want.band);
        }
        expect(Object.keys(c.expected).sort(), 'every scale has an expectation').toEqual([...def.scales].sort());
      });
    }

    it('cases answer only known items with valid values', () => {
      const known = new Set(def.items.map((i) => i.id));
      for (const c of file.cases) for (const id of Object.keys(c.answers)) expect(known.has(id), `${c.name}: ${id}`).toBe(true);
    });

    it('survey-core loads survey.json without errors, and every question is a known item', () => {
      const json = JSON.parse(fs.readFileSync(path.join(instrumentsDir, def.id, 'survey.json'), 'utf8'));
      const model = new Model(json);
      expect(model.jsonErrors ?? []).toEqual([]);
      const questions = model.getAllQuestions().filter((q) => q.getType() !== 'html');
      expect(questions.length).toBe(def.items.length);
      const known = new Map(def.items.map((i) => [i.id, i]));
      for (const q of questions) expect(known.has(q.name), q.name).toBe(true);
    });

    it('every scored item exists in survey.json with matching choice values', () => {
      const model = new Model(JSON.parse(fs.readFileSync(path.join(instrumentsDir, def.id, 'survey.json'), 'utf8')));
      for (const scale of spec.scales) {
        for (const id of scale.items) {
          const q = model.getQuestionByName(id);
          expect(q, `${scale.id}: ${id}`).toBeTruthy();
          const item = def.items.find((i) => i.id === id)!;
          if (item.kind !== 'choice') continue;
          const values = q.getType() === 'rating'
            ? (q as unknown as { visibleRateValues: Array<{ value: unknown }> }).visibleRateValues.map((v) => v.value)
            : (q as unknown as { choices: Array<{ value: unknown }> }).choices.map((c) => c.value);
          expect(values, id).toEqual(item.values);
          if (['sum', 'mean', 'value'].includes(scale.method)) for (const v of values) expect(typeof v, id).toBe('number');
          for (const entry of Object.values(scale.key ?? {})) {
            for (const v of entry === null ? [] : Array.isArray(entry) ? entry : [entry]) expect(item.values).toContain(v);
          }
        }
      }
    });

    it('free-text items have a maximum length', () => {
      for (const item of def.items.filter((i) => i.kind === 'text')) expect(item.maxLength, item.id).toBeGreaterThan(0);
    });
  });
}

describe('the wave survey', () => {
  it('puts every instrument page in order with a progress bar, and survey-core loads it', () => {
    const chosen = ['ons4', 'pss10', 'cbi'].map((k) => registry.get(k));
    const json = buildWaveSurvey(chosen) as { pages: Array<{ name: string }>; showProgressBar: boolean; completedHtml?: string };
    expect(json.pages.map((p) => p.name)).toEqual(['ons4__ons4_page1', 'pss10__pss10_page1', 'cbi__cbi_personal', 'cbi__cbi_work']);
    expect(json.showProgressBar).toBe(true);
    expect(json.completedHtml ?? '').not.toMatch(/score|stress|burnout|wellbeing/i);
    const model = new Model(json);
    expect(model.jsonErrors ?? []).toEqual([]);
    expect(model.getAllQuestions().filter((q) => q.getType() !== 'html').length).toBe(4 + 10 + 13);
  });
});
