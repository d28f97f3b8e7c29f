// `dslkit score <instrument> <answers.csv>`: scores paper or legacy returns with the same engine and rules as the survey.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, flag, stringOption, type CliCommand } from '../command';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import { parseCsv, lineProblemsError, toCsv } from '../../domain/csv';
import { cellValue, getRegistry, itemPrefix, type InstrumentDef, type ItemDef } from '../../../instruments/registry';
import { scoreInstrument } from '../../../instruments/score';
import { keyProblemLines, parseAnswerKey } from '../../../instruments/answer-key';
import type { AnswerKey, ScoringSpec } from '../../../instruments/scoring-rules';
import { writePrivateFile } from '../../storage/private-files';

export const command: CliCommand = {
  name: 'score',
  summary: 'score a CSV of item answers with an instrument\'s rules',
  usage: 'score <instrument-id> <answers.csv> [--json] [--out <file>] [--key <key.json>]',
  description: `
Reads a CSV with one row per respondent and columns named by item id (e.g. pss10_01 … pss10_10);
blank cells are unanswered. Any other columns (such as id) are carried through unchanged. Writes CSV of
the carried columns, the instrument id@version and each scale score (with <scale>_band where the scale
has bands, and <scale>_reason saying why a score is empty), or with --json an array of
{ "row": <1-based data row>, ...carried columns, "instrument", "scores": { <scale>: number|null }, "reasons" }.
Every bad cell is reported with its line; nothing is written unless all cells are valid.
--key applies an answer key (as for dslkit answer-key --set) instead of the bundled one.
Example: dslkit score pss10 returns.csv --out scores.csv`,
  options: [
    { name: 'json', type: 'boolean', description: 'print a JSON array instead of CSV' },
    { name: 'out', type: 'string', valueName: '<file>', description: 'write to this file instead of stdout' },
    { name: 'key', type: 'string', valueName: '<key.json>', description: 'answer key for key-scored scales (default: the bundled key)' },
  ],
  run(ctx) {
    const [instrumentId, csvPath, ...extra] = ctx.positionals;
    if (!instrumentId || !csvPath || extra.length) throw new UsageError('give an instrument id and one answers CSV file');
    const registry = getRegistry({ placeholderText: true });
    let def: InstrumentDef;
    try { def = registry.get(instrumentId); } catch {
      throw new UsageError(`unknown instrument "${instrumentId}"; known: ${registry.list().map((d) => d.id).join(', ')}`);
    }
    const keyOverrides = readKeyOption(def, stringOption(ctx, 'key'));
    const source = path.basename(csvPath);
    const rows = readAnswers(def, fs.readFileSync(csvPath, 'utf8'), source);
    const spec = def.scoring as ScoringSpec;

    const results = rows.map((r) => ({ ...r, result: scoreInstrument(def, r.answers, { keyOverrides }) }));
    let output: string;
    if (flag(ctx, 'json')) {
      output = JSON.stringify(results.map((r, i) => {
        const reasons = Object.fromEntries(Object.entries(r.result.scales).filter(([, s]) => s.value === null).map(([k, s]) => [k, s.reason]));
        return {
          row: i + 1, ...r.carried, instrument: r.result.instrument,
          scores: Object.fromEntries(Object.entries(r.result.scales).map(([k, s]) => [k, s.value])),
          ...(Object.keys(reasons).length ? { reasons } : {}),
        };
      }), null, 2) + '\n';
    } else {
      const carriedColumns = rows.length ? Object.keys(rows[0].carried) : [];
      const scaleColumns = spec.scales.flatMap((s) => [s.id, ...(s.bands ? [`${s.id}_band`] : []), `${s.id}_reason`]);
      output = toCsv([...carriedColumns, 'instrument', ...scaleColumns], results.map((r) => ({
        ...r.carried, instrument: r.result.instrument,
        ...Object.fromEntries(Object.entries(r.result.scales).flatMap(([k, s]) => [[k, s.value], [`${k}_band`, s.band ?? ''], [`${k}_reason`, s.reason ?? '']])),
      })));
    }
    const out = stringOption(ctx, 'out');
    if (out) {
      writePrivateFile(out, output);
      ctx.io.stderr(`scored ${rows.length} row${rows.length === 1 ? '' : 's'} with ${def.key}; wrote ${out}\n`);
    } else {
      ctx.io.stdout(output);
    }
    return 0;
  },
};

interface AnswerRow { line: number; carried: Record<string, string>; answers: Record<string, unknown> }

/** Parses the answers CSV into typed answers per row; throws one ValidationError listing every bad cell with its line. */
export function readAnswers(def: InstrumentDef, text: string, source: string): AnswerRow[] {
  const table = parseCsv(text, source);
  const items = new Map(def.items.map((i) => [i.id, i]));
  const prefix = itemPrefix(def.id);
  const itemColumns = table.header.filter((h) => items.has(h));
  const carriedColumns = table.header.filter((h) => !items.has(h));
  const reserved = new Set(['row', 'scores', 'reasons', 'instrument', ...def.scales.flatMap((s) => [s, `${s}_band`, `${s}_reason`])]);
  const headerProblems: FieldProblem[] = [
    ...carriedColumns.filter((c) => c.startsWith(prefix)).map((c) => ({ pointer: '/header', line: 1, column: c, detail: `is not an item of ${def.key}` })),
    ...carriedColumns.filter((c) => reserved.has(c)).map((c) => ({ pointer: '/header', line: 1, column: c, detail: 'clashes with an output column; rename it' })),
  ];
  if (itemColumns.length === 0) {
    headerProblems.push({ pointer: '/header', line: 1, detail: `no column is named by a ${def.key} item id (e.g. ${def.items[0]?.id})` });
  }
  if (headerProblems.length) throw lineProblemsError(source, headerProblems);

  const problems: FieldProblem[] = [];
  const rows = table.rows.map((row, index) => {
    const answers: Record<string, unknown> = {};
    for (const col of itemColumns) {
      const cell = row.values[col];
      if (cell === '') continue;
      const { value, problem } = cellValue(items.get(col) as ItemDef, cell);
      if (problem) problems.push({ pointer: `/rows/${index + 1}/${col}`, line: row.line, column: col, detail: problem });
      else answers[col] = value;
    }
    return { line: row.line, carried: Object.fromEntries(carriedColumns.map((c) => [c, row.values[c]])), answers };
  });
  if (problems.length) throw lineProblemsError(source, problems);
  return rows;
}

function readKeyOption(def: InstrumentDef, file: string | undefined): AnswerKey | undefined {
  if (!file) return undefined;
  const { key, problems } = parseAnswerKey(def, fs.readFileSync(file, 'utf8'));
  if (problems.length) throw new ValidationError(keyProblemLines(path.basename(file), problems), problems);
  return key;
}
