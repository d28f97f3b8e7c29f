// Runs the dslkit commands in-process (runCli) against throwaway databases: trial/wave set-up, imports, randomise (CSV, --verify, --trial once), demo.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo, tempDir } from '../helpers/temp';
import { openDatabase } from '../../server/storage/db';
import { readAudit } from '../../server/storage/audit-repo';

const sample = path.join(__dirname, '../fixtures/randomisation/schools-gias-sample.csv');
const clock = () => new Date('2026-03-02T09:00:00Z');
let dir: ReturnType<typeof tempDir>;
let dbFile: string;
beforeEach(() => { dir = tempDir(); dbFile = path.join(dir.dir, 'cli.db'); });
afterEach(() => dir.cleanup());

async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli([...args], c.io, { DSLKIT_DB: dbFile, DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, clock);
  return { code, out: c.out(), err: c.err() };
}

describe('dslkit trial and wave', () => {
  it('creates, lists and shows a trial; creates waves with id@version instruments', async () => {
    expect((await cli('trial', 'create', '--id', 'bolton2', '--title', 'Bolton 2', '--sessions-intended', '3', '--retention-until', '2030-08-31')).code).toBe(0);
    expect((await cli('trial', 'create', '--id', 'bolton2', '--title', 'again')).err).toMatch(/already exists/);
    expect((await cli('trial', 'create', '--id', 'Bad_Id', '--title', 'x')).code).toBe(1);
    expect((await cli('trial', 'list')).out).toMatch(/^bolton2\s+setup\s+0 schools/);
    const w = await cli('wave', 'create', '--trial', 'bolton2', '--name', 'baseline', '--opens', '2026-09-01', '--closes', '2026-09-30', '--instruments', 'pss10,cbi');
    expect(w.code).toBe(0);
    expect(w.out).toContain('pss10@1, cbi@1');
    const bad = await cli('wave', 'create', '--trial', 'bolton2', '--name', 'endline', '--opens', '2027-06-01', '--closes', '2027-06-30', '--instruments', 'pss10,nosuch');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown instrument "nosuch"/);
    expect((await cli('wave', 'create', '--trial', 'bolton2', '--name', 'endline', '--opens', '2027-06-30', '--closes', '2027-06-01', '--instruments', 'pss10')).err).toMatch(/must close after it opens/);
    const show = JSON.parse((await cli('trial', 'show', 'bolton2', '--json')).out);
    expect(show.trial).toMatchObject({ id: 'bolton2', sessionsIntended: 3, retentionUntil: '2030-08-31', status: 'setup' });
    expect(show.waves.map((x: { name: string; instruments: string[] }) => [x.name, x.instruments])).toEqual([['baseline', ['pss10@1', 'cbi@1']]]);
  });

  it('every command has --help', async () => {
    for (const name of ['import', 'randomise', 'trial', 'wave', 'demo']) {
      const r = await cli(name, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: dslkit ${name}`));
    }
  });
});

describe('dslkit import', () => {
  it('a bad file exits 1, says which lines, and writes nothing; a good one is idempotent', async () => {
    const bad = path.join(dir.dir, 'schools.csv');
    const lines = fs.readFileSync(sample, 'utf8').split('\n');
    lines[13] = lines[13].replace(/,Primary,(\d+),[\d.]+,/, ',Primary,$1,n/a,');
    fs.writeFileSync(bad, lines.join('\n'));
    const r = await cli('import', 'schools', bad);
    expect(r.code).toBe(1);
    expect(r.err).toBe('schools.csv: line 14: PercentageFSM "n/a" is not a number\n');
    const db = openDatabase(dbFile);
    expect(db.prepare('SELECT count(*) AS n FROM schools').get()).toEqual({ n: 0 });
    db.close();
    expect((await cli('import', 'schools', sample)).out).toBe('schools-gias-sample.csv: 200 schools: 200 added, 0 changed, 0 unchanged\n');
    expect((await cli('import', 'schools', sample)).out).toBe('schools-gias-sample.csv: 200 schools: 0 added, 0 changed, 200 unchanged\n');
  });
});

describe('dslkit randomise', () => {
  it('writes an allocation that --verify matches, and reports a tampered one (exit 1)', async () => {
    const out = path.join(dir.dir, 'allocation.csv');
    const r = await cli('randomise', sample, '--seed', '2024', '--strata', 'PhaseOfEducation (name)', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Primary\s+\d+\s+\d+/);
    expect(r.err).toMatch(/PercentageFSM/);
    expect((await cli('randomise', '--verify', out, sample)).out).toMatch(/^match:/);
    const text = fs.readFileSync(out, 'utf8').split('\n');
    text[5] = text[5].includes('control') ? text[5].replace('control', 'intervention') : text[5].replace('intervention', 'control');
    fs.writeFileSync(out, text.join('\n'));
    const v = await cli('randomise', '--verify', out, sample);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/MISMATCH[\s\S]*line 6: URN \d+: arm/);
  });

  it('--json carries counts, balance and the allocation', async () => {
    const r = await cli('randomise', sample, '--seed', '7', '--cluster', 'LA (code)', '--json');
    const j = JSON.parse(r.out);
    expect(j.cluster).toBe('LA (code)');
    expect(j.allocation).toHaveLength(200);
    expect(j.balance.map((b: { variable: string }) => b.variable)).toEqual(['NumberOfPupils', 'PercentageFSM']);
    const total = j.unitCounts.reduce((s: number, c: { control: number; intervention: number }) => s + c.control + c.intervention, 0);
    expect(total).toBe(new Set(j.allocation.map((a: { cluster: string }) => a.cluster)).size);
  });

  it('--trial randomises once, stores seed and SHA-256, and audits a refused second attempt', async () => {
    await cli('trial', 'create', '--id', 't1', '--title', 'T1');
    await cli('import', 'schools', sample, '--trial', 't1');
    const out = path.join(dir.dir, 'alloc.csv');
    const first = await cli('randomise', '--trial', 't1', '--seed', '11', '--method', 'niesr-fsm-median', '--out', out);
    expect(first.code).toBe(0);
    const again = await cli('randomise', '--trial', 't1', '--seed', '12');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already randomised .*written once/);
    const db = openDatabase(dbFile);
    const r = db.prepare('SELECT method, seed, algorithm_version, input_sha256 FROM randomisations').get() as Record<string, unknown>;
    expect(r).toMatchObject({ method: 'niesr-fsm-median', seed: 11, algorithm_version: 'dslkit-randomise/1' });
    expect(db.prepare("SELECT status FROM trials WHERE id = 't1'").get()).toEqual({ status: 'randomised' });
    expect(db.prepare('SELECT count(*) AS n FROM allocations').get()).toEqual({ n: 200 });
    expect(() => db.prepare("UPDATE allocations SET arm = 'control'").run()).toThrow(/written once/);
    expect(readAudit(db, { trialId: 't1' }).map((a) => a.action).slice(0, 2)).toEqual(['randomise.refused', 'randomise']);
    db.close();
    // The stored allocation re-derives from the exported input.
    expect((await cli('randomise', '--verify', out, out.replace(/\.csv$/, '.input.csv'))).out).toMatch(/^match:/);
  });
});
