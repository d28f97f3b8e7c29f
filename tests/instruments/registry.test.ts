// Tests of the instrument registry: lookup, folder validation, licensed text handling, answer validation and the wave survey.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { Model } from 'survey-core';
import { getRegistry, validateAnswers, buildWaveSurvey, clearRegistryCache } from '../../instruments/registry';
import { NotFoundError } from '../../shared/errors';

const instrumentsDir = path.resolve(__dirname, '../../instruments');
const tmpRoots: string[] = [];
afterAll(() => { for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true }); });

/** Copies named instrument folders into a fresh temp dir (without any licensed-text.json). */
function tempInstruments(ids: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-instr-'));
  tmpRoots.push(root);
  for (const id of ids) {
    fs.mkdirSync(path.join(root, id));
    for (const f of ['survey.json', 'scoring.json', 'cases.json']) fs.copyFileSync(path.join(instrumentsDir, id, f), path.join(root, id, f));
  }
  return root;
}

describe('getRegistry', () => {
  const reg = getRegistry({ placeholderText: true });
  it('finds by id (latest) and by id@version, and caches', () => {
    expect(reg.get('pss10').key).toBe('pss10@1');
    expect(reg.get('pss10@1').id).toBe('pss10');
    expect(getRegistry({ placeholderText: true })).toBe(reg);
  });
  it('throws NotFoundError for an unknown instrument or version', () => {
    expect(() => reg.get('nope')).toThrow(NotFoundError);
    expect(() => reg.get('pss10@9')).toThrow(NotFoundError);
  });
  it('derives items with kinds, values, ranges and pages', () => {
    const cbi = reg.get('cbi');
    expect(cbi.items.find((i) => i.id === 'cbi_work_07')).toEqual({ id: 'cbi_work_07', kind: 'choice', values: [100, 75, 50, 25, 0], page: 1 });
    const log = reg.get('dsl-time-log');
    expect(log.items.find((i) => i.id === 'dsl_time_log_duration')).toEqual({ id: 'dsl_time_log_duration', kind: 'number', min: 0, max: 1440, integer: true, page: 0 });
    expect(reg.get('supervision-record').respondent).toBe('supervisor');
    expect(reg.get('ons4').direction).toEqual({ life_satisfaction: 'higher-better', worthwhile: 'higher-better', happy: 'higher-better', anxious: 'higher-worse' });
  });
  it('rejects a folder whose scoring uses an item the survey lacks', () => {
    const root = tempInstruments(['pss10']);
    const scoringFile = path.join(root, 'pss10', 'scoring.json');
    const scoring = JSON.parse(fs.readFileSync(scoringFile, 'utf8'));
    scoring.scales[0].items.push('pss10_11');
    fs.writeFileSync(scoringFile, JSON.stringify(scoring));
    expect(() => getRegistry({ instrumentsDir: root })).toThrow(/unknown item pss10_11/);
  });
  it('rejects free text without a maximum length', () => {
    const root = tempInstruments(['dsl-time-log']);
    const surveyFile = path.join(root, 'dsl-time-log', 'survey.json');
    const survey = JSON.parse(fs.readFileSync(surveyFile, 'utf8'));
    delete survey.pages[0].elements.find((e: { name: string }) => e.name === 'dsl_time_log_comments').maxLength;
    fs.writeFileSync(surveyFile, JSON.stringify(survey));
    expect(() => getRegistry({ instrumentsDir: root })).toThrow(/dsl_time_log_comments needs a maxLength/);
  });
});

describe('licensed text (WEMWBS, SWEMWBS)', () => {
  it('without licensed-text.json: needsLicensedText, a clear message, and the survey shows the message instead of placeholders', () => {
    const root = tempInstruments(['swemwbs']);
    const def = getRegistry({ instrumentsDir: root }).get('swemwbs');
    expect(def.needsLicensedText).toBe(true);
    expect(def.licenceNote).toMatch(/needs licensed text: .*licensed-text\.json is not installed/);
    const wave = buildWaveSurvey([def]);
    const model = new Model(wave);
    expect(model.getAllQuestions().filter((q) => q.getType() !== 'html')).toHaveLength(0);
    expect(JSON.stringify(wave)).toContain('needs licensed text');
    expect(JSON.stringify(wave)).not.toContain('[SWEMWBS item');
    expect(def.items).toHaveLength(7); // still validates and scores stored answers
  });
  it('with placeholderText: the placeholder questions are shown (tests)', () => {
    const root = tempInstruments(['swemwbs']);
    const def = getRegistry({ instrumentsDir: root, placeholderText: true }).get('swemwbs');
    expect(def.needsLicensedText).toBe(true);
    expect(new Model(buildWaveSurvey([def])).getAllQuestions().filter((q) => q.getType() !== 'html')).toHaveLength(7);
  });
  it('with a complete licensed-text.json: the licence holder\'s text replaces the placeholders', () => {
    const root = tempInstruments(['swemwbs']);
    const items = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((n) => [`swemwbs_0${n}`, `Licensed wording ${n}`]));
    fs.writeFileSync(path.join(root, 'swemwbs', 'licensed-text.json'), JSON.stringify({ licence: 'test', intro: 'Intro <here>', items }));
    const def = getRegistry({ instrumentsDir: root }).get('swemwbs');
    expect(def.needsLicensedText).toBe(false);
    const model = new Model(def.survey);
    expect(model.getQuestionByName('swemwbs_03').title).toBe('Licensed wording 3');
    expect(JSON.stringify(def.survey)).toContain('Intro &lt;here&gt;');
  });
  it('with an incomplete licensed-text.json: still needs text and names the missing items', () => {
    const root = tempInstruments(['swemwbs']);
    fs.writeFileSync(path.join(root, 'swemwbs', 'licensed-text.json'), JSON.stringify({ items: { swemwbs_01: 'x' } }));
    const def = getRegistry({ instrumentsDir: root }).get('swemwbs');
    expect(def.needsLicensedText).toBe(true);
    expect(def.licenceNote).toContain('has no text for swemwbs_02');
  });
  it('refuses a committed survey.json whose licensed items are not placeholders', () => {
    const root = tempInstruments(['wemwbs']);
    const file = path.join(root, 'wemwbs', 'survey.json');
    const survey = JSON.parse(fs.readFileSync(file, 'utf8'));
    survey.pages[0].elements[1].title = 'Some real-looking wording';
    fs.writeFileSync(file, JSON.stringify(survey));
    expect(() => getRegistry({ instrumentsDir: root })).toThrow(/wemwbs_01 must carry placeholder text only/);
  });
});

describe('validateAnswers', () => {
  const reg = getRegistry({ placeholderText: true });
  const defs = [reg.get('pss10'), reg.get('dsl-time-log'), reg.get('supervision-record')];
  it('accepts valid partial answers and null as "no answer"', () => {
    expect(validateAnswers(defs, { pss10_01: 0, pss10_02: null, dsl_time_log_date: '2024-02-29', dsl_time_log_duration: 60, dsl_time_log_comments: 'ok' }, 'partial')).toEqual([]);
  });
  it('reports unknown items, wrong types, out-of-range values and over-long text, each with a pointer', () => {
    const problems = validateAnswers(defs, {
      pss10_11: 1, pss10_01: 5, pss10_02: '2', dsl_time_log_duration: 1441, dsl_time_log_session: 2.5,
      dsl_time_log_date: '2023-02-29', dsl_time_log_mode: 'fax', dsl_time_log_comments: 'x'.repeat(4001),
    }, 'partial');
    expect(problems).toEqual([
      { pointer: '/answers/pss10_11', detail: 'unknown item "pss10_11"' },
      { pointer: '/answers/pss10_01', detail: 'pss10_01: 5 is not one of 0, 1, 2, 3, 4' },
      { pointer: '/answers/pss10_02', detail: 'pss10_02: "2" is not one of 0, 1, 2, 3, 4' },
      { pointer: '/answers/dsl_time_log_duration', detail: 'dsl_time_log_duration: 1441 is above the maximum 1440' },
      { pointer: '/answers/dsl_time_log_session', detail: 'dsl_time_log_session: 2.5 is not a whole number' },
      { pointer: '/answers/dsl_time_log_date', detail: 'dsl_time_log_date: "2023-02-29" is not a real date' },
      { pointer: '/answers/dsl_time_log_mode', detail: 'dsl_time_log_mode: "fax" is not one of phone, face_to_face, email, online' },
      { pointer: '/answers/dsl_time_log_comments', detail: 'dsl_time_log_comments: text is 4001 characters long; at most 4000 allowed' },
    ]);
  });
  it('escapes JSON-pointer characters in unknown ids', () => {
    expect(validateAnswers(defs, { 'a/b~c': 1 }, 'partial')[0].pointer).toBe('/answers/a~1b~0c');
  });
  it('in complete mode also reports required items left empty', () => {
    expect(validateAnswers(defs, {}, 'complete')).toEqual([{ pointer: '/answers/supervision_record_date', detail: 'supervision_record_date: an answer is required' }]);
    expect(validateAnswers(defs, {}, 'partial')).toEqual([]);
  });
  it('rejects a non-number for a number item and a non-string for text', () => {
    expect(validateAnswers(defs, { dsl_time_log_duration: '60', dsl_time_log_comments: 5 }, 'partial').map((p) => p.detail))
      .toEqual(['dsl_time_log_duration: "60" is not a number', 'dsl_time_log_comments: 5 is not text']);
  });
});

describe('every committed instrument', () => {
  it('loads in the default registry without licensed text present in the repository', () => {
    clearRegistryCache();
    const defs = getRegistry().list();
    for (const id of ['wemwbs', 'swemwbs']) {
      const committed = !fs.existsSync(path.join(instrumentsDir, id, 'licensed-text.json'));
      if (committed) expect(defs.find((d) => d.id === id)!.needsLicensedText).toBe(true);
    }
  });
});
