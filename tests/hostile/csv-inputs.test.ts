// Property tests: hostile CSV files at every CSV-reading command (import schools|dsls|outcomes, score, analyse, randomise): exit 0/1/2 only, no stack trace, nothing written on a refused file.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { tableCounts } from '../../server/storage/backup';
import { captureIo, tempDir } from '../helpers/temp';
import { attackString, stackTracePattern } from './hostile-helpers';

const schoolsHeader = ['URN', 'EstablishmentName', 'LA (code)', 'LA (name)', 'TypeOfEstablishment (name)', 'PhaseOfEducation (name)', 'NumberOfPupils', 'PercentageFSM', 'UrbanRural (name)', 'OfstedRating (name)'];
const schoolRow = (i: number) => [String(100_001 + i), `School ${i}`, '350', 'Bolton', 'Community school', i % 2 ? 'Primary' : 'Secondary', String(200 + i), String(10 + i), '(England/Wales) Urban city and town', 'Good'];
const dslHeader = ['URN', 'Name', 'Email', 'Role'];
const dslRow = (i: number) => [String(100_001 + (i % 6)), `DSL ${i}`, `dsl${i}@school.example`, 'deputy headteacher'];
const outcomesHeader = ['URN', 'Period', 'Measure', 'Count'];
const outcomeRow = (i: number) => [String(100_001 + (i % 6)), `2025-${String(1 + (i % 12)).padStart(2, '0')}`, 'contacts', String(i)];
const pssHeader = ['id', ...Array.from({ length: 10 }, (_, i) => `pss10_${String(i + 1).padStart(2, '0')}`)];
const pssRow = (i: number) => [`r${i}`, ...Array.from({ length: 10 }, (_, k) => String((i + k) % 5))];
const analyseHeader = ['school', 'arm', 'y', 'base'];
const analyseRow = (i: number) => [`s${i % 8}`, String(i % 2), String(3 + ((i * 7) % 5)), String(2 + (i % 3))];

/** Quotes a cell as RFC 4180 says (so attack strings stay in one cell). */
const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

/**
 * A CSV built from a valid header and valid rows, then damaged: cells replaced by attack strings, rows cut short
 * or lengthened, quoting broken, a BOM, CRLF or NUL bytes added. About a fifth of the files stay valid.
 */
function hostileCsv(header: string[], row: (i: number) => string[]) {
  const cell = fc.oneof({ weight: 15, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: attackString });
  const lengthChange = fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) });
  const damagedRow = fc.tuple(fc.nat(50), fc.array(cell, { minLength: header.length, maxLength: header.length }), lengthChange)
    .map(([i, cells, lengthChange]) => {
      const base = row(i).map((v, k) => cells[k] ?? v);
      return lengthChange < 0 ? base.slice(0, base.length + lengthChange) : [...base, ...Array(lengthChange).fill('extra')];
    });
  return fc.record({
    rows: fc.array(damagedRow, { minLength: 0, maxLength: 5 }),
    header: fc.oneof({ weight: 8, arbitrary: fc.constant(header) }, { weight: 1, arbitrary: fc.shuffledSubarray(header) }, { weight: 1, arbitrary: fc.array(attackString, { maxLength: 4 }) }),
    rawQuotes: fc.constantFrom(false, false, false, true), bom: fc.boolean(), crlf: fc.boolean(), nul: fc.constantFrom(false, false, false, true),
  }).map(({ rows, header: h, rawQuotes, bom, crlf, nul }) => {
    const join = (cells: string[]) => cells.map(rawQuotes ? (c) => c : quote).join(',');
    let text = [join(h), ...rows.map(join)].join(crlf ? '\r\n' : '\n') + '\n';
    if (bom) text = '\uFEFF' + text;
    if (nul) text = text.replace(/,/, ',\u0000');
    return text;
  });
}

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
