// A long outcome import from the command line commits in short chunks, so the server keeps answering survey submissions during it (never 500, never 503), and it stays all or nothing: an error part-way or a killed process leaves the outcomes as they were.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyFixture, type SurveyFixture } from '../../bench/helpers/fixture';
import { repoRoot, startServerProcess } from '../../bench/helpers/server-process';
import { submitAll } from '../../bench/helpers/submit';
import { openDatabase } from '../../server/storage/db';
import { importOutcomesInChunks } from '../../server/storage/chunked-outcome-import';

const measures = ['contacts', 'contacts_nfa', 'referrals', 'referrals_nfa', 'early_help', 'cin', 's47', 'looked_after', 'csa_contacts'];
const periods = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);

/** A long-layout outcomes CSV: every measure of every month for schools URN 900000.. (the bench fixture's). */
function outcomesCsv(schools: number, count: (i: number) => number): { text: string; rows: number } {
  const lines = ['URN,Period,Measure,Count'];
  let i = 0;
  for (let s = 0; s < schools; s++) for (const p of periods) for (const m of measures) lines.push(`${900_000 + s},${p},${m},${count(i++)}`);
  return { text: lines.join('\n') + '\n', rows: i };
}

/** Runs the compiled `dslkit` command as its own process (as an evaluator would, beside the running server). */
function dslkit(args: string[], env: Record<string, string>): { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>; kill: () => void } {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'dslkit.mjs'), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c; });
  child.stderr.on('data', (c: Buffer) => { out += c; });
  return { done: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out }))), kill: () => child.kill('SIGKILL') };
}

/** Every admin_outcomes row as one text, to compare "as it was" exactly. */
function outcomesDump(file: string): string {
  const db = new Database(file, { readonly: true });
  try { return JSON.stringify(db.prepare('SELECT urn, period, measure, count, imported_at FROM admin_outcomes ORDER BY urn, period, measure').raw().all()); } finally { db.close(); }
}

const outcomeCount = (reader: Database.Database) => (reader.prepare('SELECT count(*) AS n FROM admin_outcomes').get() as { n: number }).n;

describe('dslkit import outcomes beside the running server (50,000 rows here; 330,000 in npm run bench)', () => {
  let fx: SurveyFixture;
  const schools = 463; // 463 x 12 months x 9 measures = 50,004 rows
  beforeAll(async () => { fx = await createSurveyFixture({ invitations: schools }); }, 60_000);
  afterAll(() => fx.cleanup());

  it('commits in chunks while survey submissions keep being stored, every one answered 2xx', async () => {
    const csv = outcomesCsv(schools, (i) => i % 7);
    const file = path.join(fx.dir, 'outcomes.csv');
    fs.writeFileSync(file, csv.text);
    const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    const reader = new Database(fx.dbFile, { readonly: true });
    try {
      const run = dslkit(['import', 'outcomes', file, '--db', fx.dbFile], {});
      let exited = false;
      void run.done.then(() => { exited = true; });
      // Watch the table from a third connection: a chunked import shows counts between none and all.
      const seen = new Set<number>();
      let finished = false;
      const watching = (async () => { while (!finished) { seen.add(outcomeCount(reader)); await new Promise((r) => setTimeout(r, 5)); } })();
      while (outcomeCount(reader) === 0 && !exited) await new Promise((r) => setTimeout(r, 5));
      const during = submitAll({ url: server.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: 4 });
      const result = await run.done;
      finished = true;
      await watching;
      const submissions = await during;
      expect(result.code).toBe(0);
      expect(Object.fromEntries(submissions.statuses)).toEqual({ 200: fx.tokens.length });
      expect([...seen].filter((n) => n > 0 && n < csv.rows).length).toBeGreaterThan(3);
      expect(outcomeCount(reader)).toBe(csv.rows);
      expect(result.out).toMatch(new RegExp(`${csv.rows} counts for ${schools} schools.*${csv.rows} added.*in \\d+ chunks`));
    } finally {
      reader.close();
      await server.stop();
    }
  }, 120_000);

  it('killed part-way (SIGKILL): the next import first puts the outcomes back as they were, changed rows included', async () => {
    const before = outcomesDump(fx.dbFile); // the previous test's import, all counts i % 7
    const file = path.join(fx.dir, 'outcomes-changed.csv');
    fs.writeFileSync(file, outcomesCsv(schools + 0, (i) => 100 + (i % 5)).text);
    const reader = new Database(fx.dbFile, { readonly: true });
    const changedSoFar = () => (reader.prepare('SELECT count(*) AS n FROM admin_outcomes WHERE count >= 100').get() as { n: number }).n;
    try {
      const run = dslkit(['import', 'outcomes', file, '--db', fx.dbFile], {});
      let exited = false;
      void run.done.then(() => { exited = true; });
      while (changedSoFar() < 4000 && !exited) await new Promise((r) => setTimeout(r, 2));
      run.kill();
      const killed = await run.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(changedSoFar()).toBeGreaterThan(0); // really half-way: some chunks are in
      expect(outcomesDump(fx.dbFile)).not.toBe(before);
    } finally { reader.close(); }

    // A small, different import afterwards rolls the killed one back first, then applies itself.
    const small = path.join(fx.dir, 'one-school.csv');
    fs.writeFileSync(small, 'URN,Period,Measure,Count\n900000,2024-09,contacts,3\n');
    const next = await dslkit(['import', 'outcomes', small, '--db', fx.dbFile], {}).done;
    expect(next.code).toBe(0);
    expect(next.out).toMatch(/rolled back 1 earlier outcome import that had stopped part-way/);
    const db = openDatabase(fx.dbFile);
    try {
      expect(db.prepare("SELECT count FROM admin_outcomes WHERE urn = 900000 AND period = '2024-09'").get()).toEqual({ count: 3 });
      db.prepare("DELETE FROM admin_outcomes WHERE urn = 900000 AND period = '2024-09'").run();
      expect((db.prepare("SELECT count(*) AS n FROM outcome_import_undo").get() as { n: number }).n).toBe(0);
      expect((db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'import.outcomes.rolled-back'").get() as { n: number }).n).toBe(1);
    } finally { db.close(); }
    expect(outcomesDump(fx.dbFile)).toBe(before);
  }, 120_000);

  it('an error part-way rolls back the chunks already committed before it is reported', async () => {
    const before = outcomesDump(fx.dbFile);
    const db = openDatabase(fx.dbFile);
    try {
      const csv = outcomesCsv(50, (i) => 200 + i);
      let chunks = 0;
      await expect(importOutcomesInChunks(db, csv.text, 'failing.csv', 'test', '2026-12-01T00:00:00Z', {
        chunkRows: 500, onChunk: () => { if (++chunks === 3) throw new Error('disk full (simulated in the progress callback)'); },
      })).rejects.toThrow(/disk full/);
      expect(chunks).toBe(3);
      expect((db.prepare("SELECT status FROM outcome_imports ORDER BY id DESC LIMIT 1").get() as { status: string }).status).toBe('rolled back');
    } finally { db.close(); }
    expect(outcomesDump(fx.dbFile)).toBe(before);
  }, 60_000);
});
