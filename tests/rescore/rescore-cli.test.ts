// `dslkit rescore` against a real temporary database file: a changed trial key is reported by --dry-run without writing, applied by a real run in one go (audited, counts only), and a second run changes nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase, type Db } from '../../server/storage/db';
import { captureIo, tempDb } from '../helpers/temp';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { insertCompleteResponse, saveProgress, scoresOfResponse, submitResponse } from '../../server/storage/response-repo';
import { readAudit } from '../../server/storage/audit-repo';

// instruments/csa-identification/cases.json "complete with bundled key": vignettes 1 police, 2 talk, 3 early_help, 4 talk.
const base = (JSON.parse(fs.readFileSync(new URL('../../instruments/csa-identification/cases.json', import.meta.url), 'utf8')) as
  { cases: { name: string; answers: Record<string, unknown> }[] }).cases.find((c) => c.name === 'complete with bundled key')!.answers;
const withV3 = (v3: string) => ({ ...base, csa_identification_vignette_03: v3 });
const at = '2025-03-01T09:00:00.000Z';
const now = new Date('2025-06-01T12:00:00.000Z');
const INSTR = ['csa-identification@1'];

let t: ReturnType<typeof tempDb>;
let ids: number[];
beforeEach(() => {
  t = tempDb();
  const fx = seedSurveyFixture(t.db, crypto.randomBytes(32), { trialId: 'csa1', dsls: 4, instruments: INSTR });
  const key = (i: number) => ({ invitationId: fx.dsls[i].invitationId, dslId: fx.dsls[i].dslId, waveId: fx.waveId, instruments: INSTR });
  ids = [
    submitResponse(t.db, key(0), withV3('early_help'), at).responseId,
    submitResponse(t.db, key(1), withV3('contact_csc'), at).responseId,
    insertCompleteResponse(t.db, { ...key(2), answers: withV3('early_help'), at }),
  ];
  // DSL 4 only saved progress: not complete, so never scored or rescored.
  saveProgress(t.db, key(3), { csa_identification_vignette_03: 'early_help' }, 0, at);
  t.db.close();
});
afterEach(() => t.cleanup());

async function run(args: string[]) {
  const cap = captureIo();
  const code = await runCli([args[0], '--db', t.file, ...args.slice(1)], cap.io, {}, () => now);
  return { code, out: cap.out(), err: cap.err() };
}

/** Every row of the tables a rescore could touch (rowid order), to compare before and after. */
function snapshot(db: Db) {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    scores: all('SELECT * FROM scores ORDER BY response_id, instrument, scale'),
    snapshots: all('SELECT * FROM response_snapshots ORDER BY id'),
    responses: all('SELECT * FROM responses ORDER BY id'),
    audit: all('SELECT * FROM audit_log ORDER BY id'),
  };
}

function withDb<T>(f: (db: Db) => T): T {
  const db = openDatabase(t.file);
  try { return f(db); } finally { db.close(); }
}

const vignettes = (db: Db) => ids.map((id) => scoresOfResponse(db, id).find((s) => s.scale === 'vignettes')!.value);

describe('dslkit rescore', () => {
  it('dry run reports a changed key and writes nothing; the real run applies it; a second run changes nothing', async () => {
    // Bundled key (vignette 3 = contact_csc): responses 0 and 2 answered early_help -> 3/4 = 0.75; response 1 -> 4/4 = 1.
    expect(withDb(vignettes)).toEqual([0.75, 1, 0.75]);

    const keyFile = path.join(t.dir, 'key.json');
    fs.writeFileSync(keyFile, JSON.stringify({ csa_identification_vignette_03: 'early_help' }));
    const set = await run(['answer-key', '--trial', 'csa1', '--instrument', 'csa-identification', '--set', keyFile]);
    expect(set.code).toBe(0);
    expect(set.err).toMatch(/run dslkit rescore --trial csa1 to apply it to stored responses/);
    // Setting a key alone does not touch stored scores.
    expect(withDb(vignettes)).toEqual([0.75, 1, 0.75]);

    const before = withDb(snapshot);
    const dry = await run(['rescore', '--trial', 'csa1', '--dry-run']);
    expect(dry.code).toBe(0);
    // Trial key vignette 3 = early_help: responses 0 and 2 become 4/4 = 1, response 1 (contact_csc) 3/4 = 0.75.
    // Means: old (0.75 + 1 + 0.75)/3 = 0.8333 -> 0.833; new (1 + 0.75 + 1)/3 = 0.9167 -> 0.917.
    expect(dry.out).toContain('3 complete responses checked; 3 responses and 3 score values would change');
    expect(dry.out).toContain('csa-identification@1 vignettes: 3 of 3 changed; mean 0.833 (n 3) -> 0.917 (n 3); 0.75 -> 1 (2), 1 -> 0.75 (1)');
    expect(dry.out).not.toMatch(/knowledge|confidence|concerns/);
    expect(dry.out).toContain('dry run, nothing written');
    expect(withDb(snapshot)).toEqual(before);

    const real = await run(['rescore', '--trial', 'csa1']);
    expect(real.code).toBe(0);
    expect(real.out).toContain('3 complete responses checked; 3 responses and 3 score values changed');
    expect(real.out).toContain('0.75 -> 1 (2), 1 -> 0.75 (1)');
    const after = withDb(snapshot);
    expect(withDb(vignettes)).toEqual([1, 0.75, 1]);
    // Raw answers and responses are untouched; only scores and one audit entry differ.
    expect(after.snapshots).toEqual(before.snapshots);
    expect(after.responses).toEqual(before.responses);
    expect(after.audit).toHaveLength(before.audit.length + 1);
    // Rescored rows carry the rescore time; the other scales (unchanged) keep theirs; the row count is the same.
    expect(after.scores).toHaveLength(before.scores.length);
    const rows = after.scores as { scale: string; computed_at: string }[];
    expect(new Set(rows.filter((r) => r.scale === 'vignettes').map((r) => r.computed_at))).toEqual(new Set([now.toISOString()]));
    expect(new Set(rows.filter((r) => r.scale !== 'vignettes').map((r) => r.computed_at))).toEqual(new Set([at]));

    const audit = withDb((db) => readAudit(db, { trialId: 'csa1', limit: 1 }))[0];
    expect(audit.action).toBe('rescore');
    expect(audit.detail).toEqual({
      wave: null, instrument: null, responsesConsidered: 3, responsesChanged: 3, valuesChanged: 3, responsesWithoutAnswers: 0,
      changedByScale: { 'csa-identification@1/vignettes': 3 },
    });

    // What rescore stored equals what a fresh submit stores now with the same answers and key.
    const fresh = withDb((db) => {
      const w = db.prepare("SELECT id FROM waves WHERE trial_id = 'csa1'").get() as { id: number };
      const id = insertCompleteResponse(db, { invitationId: null, dslId: 'dsl-csa1-1', waveId: w.id, instruments: INSTR, answers: withV3('early_help'), at });
      const fromRescore = scoresOfResponse(db, ids[0]);
      const fromSubmit = scoresOfResponse(db, id);
      db.prepare('DELETE FROM scores WHERE response_id = ?').run(id);
      db.prepare('DELETE FROM response_snapshots WHERE response_id = ?').run(id);
      db.prepare('DELETE FROM responses WHERE id = ?').run(id);
      return { fromRescore, fromSubmit };
    });
    expect(fresh.fromRescore).toEqual(fresh.fromSubmit);

    const again = await run(['rescore', '--trial', 'csa1']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('3 complete responses checked; 0 responses and 0 score values changed');
    expect(withDb((db) => snapshot(db).scores)).toEqual(after.scores);
  });

  it('scores from the newest submit/import snapshot, never from a later progress snapshot, and rebuilds missing rows', async () => {
    withDb((db) => {
      // A stray progress snapshot after the submit (should never be used) and a lost score row.
      db.prepare("INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, 'progress', ?, 0, ?)")
        .run(ids[1], JSON.stringify(withV3('early_help')), '2025-04-01T00:00:00.000Z');
      db.prepare("DELETE FROM scores WHERE response_id = ? AND scale = 'knowledge'").run(ids[0]);
    });
    const r = await run(['rescore', '--trial', 'csa1']);
    expect(r.code).toBe(0);
    // Only the deleted knowledge row comes back (cases.json knowledge 6/8 = 0.75); response 1 keeps its submitted contact_csc (bundled key: 1).
    expect(r.out).toContain('3 complete responses checked; 1 response and 1 score value changed');
    expect(r.out).toContain('csa-identification@1 knowledge: 1 of 3 changed; mean 0.75 (n 2) -> 0.75 (n 3); no score -> 0.75 (1)');
    expect(withDb(vignettes)).toEqual([0.75, 1, 0.75]);
    expect(withDb((db) => scoresOfResponse(db, ids[0]).find((s) => s.scale === 'knowledge')!.value)).toBe(0.75);
  });

  it('--wave and --instrument narrow the rescore; refusals are clear and write nothing', async () => {
    withDb((db) => db.prepare("INSERT INTO instrument_keys (trial_id, instrument, key_json, updated_at, updated_by) VALUES ('csa1', 'csa-identification@1', ?, ?, 'test')")
      .run(JSON.stringify({ csa_identification_vignette_03: 'early_help' }), at));
    const before = withDb(snapshot);
    const other = await run(['rescore', '--trial', 'csa1', '--instrument', 'pss10']);
    expect(other.code).toBe(0);
    expect(other.out).toContain('0 responses and 0 score values changed');
    const noWave = await run(['rescore', '--trial', 'csa1', '--wave', 'endline']);
    expect(noWave.code).toBe(1);
    expect(noWave.err).toContain('trial "csa1" has no endline wave (it has: baseline)');
    expect((await run(['rescore', '--trial', 'nope'])).code).toBe(1);
    expect((await run(['rescore', '--trial', 'csa1', '--wave', 'final'])).code).toBe(2);
    expect((await run(['rescore', '--trial', 'csa1', '--instrument', 'made-up'])).code).toBe(2);
    expect((await run(['rescore'])).code).toBe(2);
    // --instrument pss10 ran for real (an audit entry); nothing else changed anything.
    const after = withDb(snapshot);
    expect({ ...after, audit: after.audit.length }).toEqual({ ...before, audit: before.audit.length + 1 });

    const narrowed = await run(['rescore', '--trial', 'csa1', '--wave', 'baseline', '--instrument', 'csa-identification@1']);
    expect(narrowed.code).toBe(0);
    expect(narrowed.out).toContain('rescore of trial csa1 (baseline wave, csa-identification)');
    expect(narrowed.out).toContain('3 responses and 3 score values changed');
    expect(withDb(vignettes)).toEqual([1, 0.75, 1]);
  });
});
