// Property tests: hostile CSV files at every CSV-reading command (import schools|dsls|outcomes|covariates, score, analyse, randomise): exit 0/1/2 only, no stack trace, nothing written on a refused file.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { tableCounts } from '../../server/storage/backup';
import { captureIo, tempDir } from '../helpers/temp';
import { analyseHeader, analyseRow, covariatesHeader, covariatesRow, dslHeader, dslRow, hostileCsv, outcomeRow, outcomesHeader, pssHeader, pssRow, quote, schoolRow, schoolsHeader, stackTracePattern } from './hostile-helpers';

let dir: string;
let cleanup: () => void;
let dbFile: string;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const cap = captureIo();
  const code = await runCli(args, cap.io, {});
  return { code, out: cap.out(), err: cap.err() };
}

function counts(): Record<string, number> {
  const db = openDatabase(dbFile);
  try { return tableCounts(db); } finally { db.close(); }
}

let fileNo = 0;
function write(text: string): string {
  const f = path.join(dir, `in-${fileNo++}.csv`);
  fs.writeFileSync(f, text);
  return f;
}

/** Runs a command on a hostile file: exit 0, 1 or 2 (never 70, the internal-error code), no stack trace, and no rows written unless it succeeded. */
async function expectSafe(args: (file: string) => string[], text: string, opts: { writes?: boolean } = {}): Promise<void> {
  const before = counts();
  const r = await run(args(write(text)));
  const msg = `${args('<file>').join(' ')} on ${JSON.stringify(text).slice(0, 400)} -> exit ${r.code}: ${r.err.slice(0, 300)}`;
  expect([0, 1, 2], msg).toContain(r.code);
  expect(r.err + r.out, msg).not.toMatch(stackTracePattern);
  if (r.code !== 0 || !opts.writes) {
    const after = counts();
    // the audit log may record a refused import; no other table changes
    delete before.audit_log; delete after.audit_log;
    expect(after, msg).toEqual(before);
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('dslkit-hostile-csv-'));
  dbFile = path.join(dir, 'hostile.db');
  // A trial with six enrolled schools so DSL and outcome rows can be valid.
  expect((await run(['trial', 'create', '--id', 'hostile', '--title', 'Hostile input trial', '--db', dbFile])).code).toBe(0);
  const schools = write([schoolsHeader, ...Array.from({ length: 6 }, (_, i) => schoolRow(i))].map((r) => r.map(quote).join(',')).join('\n') + '\n');
  const imported = await run(['import', 'schools', schools, '--trial', 'hostile', '--db', dbFile]);
  expect(imported.err).toBe('');
  expect(imported.code).toBe(0);
});
afterAll(() => cleanup());

const runs = { numRuns: 60 };

describe('CSV imports under hostile files', () => {
  it('dslkit import schools', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(schoolsHeader, schoolRow), (text) => expectSafe((f) => ['import', 'schools', f, '--db', dbFile], text, { writes: true })), runs);
  });
  it('dslkit import dsls', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(dslHeader, dslRow), (text) => expectSafe((f) => ['import', 'dsls', f, '--trial', 'hostile', '--db', dbFile], text, { writes: true })), runs);
  });
  it('dslkit import outcomes', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(outcomesHeader, outcomeRow), (text) => expectSafe((f) => ['import', 'outcomes', f, '--db', dbFile], text, { writes: true })), runs);
  });
  it('dslkit import covariates', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(covariatesHeader, covariatesRow), (text) => expectSafe((f) => ['import', 'covariates', '--trial', 'hostile', f, '--db', dbFile], text, { writes: true })), runs);
  });
});

describe('CSV-reading commands that write nothing, under hostile files', () => {
  it('dslkit score', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(pssHeader, pssRow), fc.boolean(), (text, json) => expectSafe((f) => ['score', 'pss10', f, ...(json ? ['--json'] : [])], text)), runs);
  });
  it('dslkit analyse', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(analyseHeader, analyseRow), (text) => expectSafe((f) => ['analyse', '--data', f, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--json'], text)), runs);
  });
  it('dslkit randomise (file mode)', async () => {
    await fc.assert(fc.asyncProperty(hostileCsv(schoolsHeader, schoolRow), fc.constantFrom('stratified', 'niesr-fsm-median'), (text, method) =>
      expectSafe((f) => ['randomise', f, '--seed', '20260101', '--method', method, '--out', path.join(dir, 'allocation.csv')], text)), runs);
  });
});
