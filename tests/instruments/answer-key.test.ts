// Tests of per-trial answer keys: parsing and checking key files, the repository (with audit), and `dslkit answer-key` against a temp database file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { getAnswerKey, setAnswerKey } from '../../server/storage/answer-key-repo';
import { readAudit } from '../../server/storage/audit-repo';
import { getRegistry } from '../../instruments/registry';
import { parseAnswerKey } from '../../instruments/answer-key';
import { scoreInstrument } from '../../instruments/score';
import { captureIo, tempDb } from '../helpers/temp';

const csa = getRegistry({ placeholderText: true }).get('csa-identification');
const v = (n: number) => `csa_identification_vignette_0${n}`;

describe('parseAnswerKey', () => {
  it('accepts single answers, lists and null, flat or wrapped in "key"', () => {
    const flat = parseAnswerKey(csa, JSON.stringify({ [v(1)]: 'contact_csc', [v(2)]: ['record_monitor'], csa_identification_know_02: null }));
    expect(flat.problems).toEqual([]);
    expect(flat.key).toEqual({ [v(1)]: 'contact_csc', [v(2)]: ['record_monitor'], csa_identification_know_02: null });
    expect(parseAnswerKey(csa, JSON.stringify({ trial: 't', key: { [v(1)]: 'early_help' } })).key).toEqual({ [v(1)]: 'early_help' });
  });
  it('gives every problem with the line where the item appears', () => {
    const text = JSON.stringify({ [v(1)]: 'contact_csc', [v(2)]: 'ring_someone', csa_identification_conf_01: 4, made_up: 'x', [v(3)]: [], [v(4)]: { a: 1 } }, null, 2);
    expect(parseAnswerKey(csa, text).problems.map((p) => [p.line, p.column, p.detail])).toEqual([
      [3, v(2), '"ring_someone" is not one of record_monitor, talk_child_family, early_help, contact_csc, contact_police'],
      [4, 'csa_identification_conf_01', 'is not scored against a key in csa-identification@1'],
      [5, 'made_up', 'is not an item of csa-identification@1'],
      [6, v(3), 'must be an answer, a list of answers, or null'],
      [7, v(4), 'must be an answer, a list of answers, or null'],
    ]);
  });
  it('reports broken JSON with its line', () => {
    const { problems } = parseAnswerKey(csa, '{\n  "a": 1,\n  oops\n}');
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(3);
    expect(problems[0].detail).toMatch(/^not valid JSON/);
  });
});

describe('answer keys in the database and on the command line', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
    t.db.prepare("INSERT INTO trials (id, title, created_at) VALUES ('csa1', 'CSA trial', '2024-01-01T00:00:00Z')").run();
    t.db.close();
  });
  afterEach(() => t.cleanup());

  async function run(args: string[]) {
    const cap = captureIo();
    const code = await runCli(['answer-key', '--db', t.file, ...args], cap.io, {}, () => new Date('2024-05-01T10:00:00Z'));
    return { code, out: cap.out(), err: cap.err() };
  }

  it('prints the bundled illustrative key when the trial has none', async () => {
    const r = await run(['--trial', 'csa1', '--instrument', 'csa-identification']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out);
    expect(printed.instrument).toBe('csa-identification@1');
    expect(printed.source).toMatch(/^bundled key \(illustrative/);
    expect(printed.bundledKeyStatus.vignettes).toMatch(/^illustrative/);
    expect(printed.key[v(3)]).toEqual(['contact_csc']);
    expect(printed.key.csa_identification_know_01).toBe('true');
  });

  it('stores a valid key, audits it, prints the merged key, and scoring uses it', async () => {
    const file = path.join(t.dir, 'key.json');
    fs.writeFileSync(file, JSON.stringify({ [v(3)]: ['contact_csc', 'early_help'], [v(4)]: null }));
    const r = await run(['--trial', 'csa1', '--instrument', 'csa-identification', '--set', file]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('stored the answer key for csa-identification@1 in trial csa1 (2 items)');
    const printed = JSON.parse(r.out);
    expect(printed.key[v(3)]).toEqual(['contact_csc', 'early_help']);
    expect(printed.key[v(4)]).toBeNull();
    expect(printed.key[v(1)]).toEqual(['contact_csc', 'contact_police']); // bundled entry kept
    expect(printed.updatedAt).toBe('2024-05-01T10:00:00.000Z');

    // the printed output can be fed back in unchanged
    fs.writeFileSync(file, r.out);
    expect((await run(['--trial', 'csa1', '--instrument', 'csa-identification', '--set', file])).code).toBe(0);

    const db = openDatabase(t.file);
    try {
      const stored = getAnswerKey(db, 'csa1', 'csa-identification@1')!;
      expect(stored.updatedBy).toMatch(/^cli:/);
      const audit = readAudit(db, { trialId: 'csa1' });
      expect(audit.map((a) => a.action)).toEqual(['answer-key.set', 'answer-key.set']);
      expect(audit[1].detail).toEqual({ instrument: 'csa-identification@1', items: [v(3), v(4)], replaced: false });
      expect(audit[0].detail.replaced).toBe(true);
      // instruments/csa-identification/cases.json "trial key overrides a vignette": vignettes 3/3 = 1
      const answers = { [v(1)]: 'contact_police', [v(2)]: 'talk_child_family', [v(3)]: 'early_help', [v(4)]: 'talk_child_family' };
      expect(scoreInstrument(csa, answers, { keyOverrides: stored.key }).scales.vignettes.value).toBe(1);
    } finally { db.close(); }
  });

  it('refuses an invalid key with line-level messages and stores nothing', async () => {
    const file = path.join(t.dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ [v(1)]: 'contact_csc', [v(2)]: 'phone_a_friend' }, null, 2));
    const r = await run(['--trial', 'csa1', '--instrument', 'csa-identification', '--set', file]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`bad.json: line 3: ${v(2)} "phone_a_friend" is not one of record_monitor, talk_child_family, early_help, contact_csc, contact_police\n`);
    const db = openDatabase(t.file);
    try {
      expect(getAnswerKey(db, 'csa1', 'csa-identification@1')).toBeUndefined();
      expect(readAudit(db, { trialId: 'csa1' })).toEqual([]);
    } finally { db.close(); }
  });

  it('refuses unknown trials and instruments without a key', async () => {
    const noTrial = await run(['--trial', 'nope', '--instrument', 'csa-identification']);
    expect(noTrial.code).toBe(1);
    expect(noTrial.err).toContain('no trial "nope"');
    const noKey = await run(['--trial', 'csa1', '--instrument', 'pss10']);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('pss10@1 has no answer key; instruments with one: csa-identification');
  });

  it('setAnswerKey refuses a trial that does not exist, and keys go with their trial', () => {
    const db = openDatabase(t.file);
    try {
      expect(() => setAnswerKey(db, { trialId: 'ghost', instrument: 'csa-identification@1', key: {}, at: 'x', actor: 'test' })).toThrow(/no trial "ghost"/);
      setAnswerKey(db, { trialId: 'csa1', instrument: 'csa-identification@1', key: { [v(1)]: 'contact_csc' }, at: '2024-05-01T00:00:00Z', actor: 'test' });
      db.prepare("UPDATE trials SET is_demo = 1 WHERE id = 'csa1'").run();
      db.prepare("DELETE FROM trials WHERE id = 'csa1'").run();
      expect(getAnswerKey(db, 'csa1', 'csa-identification@1')).toBeUndefined();
    } finally { db.close(); }
  });
});
