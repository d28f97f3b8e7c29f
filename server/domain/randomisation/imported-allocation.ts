// Reads an allocation made outside dslkit (NIESR's Stata do-file, R's randomizr): a CSV of URN and arm (optionally a stratum or block column) and its provenance (method, seed, software, date); pure, no storage.
import type { CsvTable } from '../csv';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import { RowChecker, byLine } from '../imports/fields';

export interface ImportedProvenance { method: string; seed: number; software: string; date: string }
export interface ImportedRow { urn: number; arm: 'control' | 'intervention'; stratum: string; line: number }

/** Columns recognised for the arm and the stratum, first match wins (case-insensitive). */
const ARM_COLUMNS = ['arm', 't', 'treat', 'treated', 'treatment', 'allocation', 'group'];
const STRATUM_COLUMNS = ['stratum', 'block', 'fsmblock', 'blocks', 'strata'];

const ARM_VALUES: Record<string, 'control' | 'intervention'> = {
  '0': 'control', control: 'control', c: 'control',
  '1': 'intervention', intervention: 'intervention', treatment: 'intervention', treated: 'intervention', t: 'intervention',
};

function findColumn(header: readonly string[], names: string[]): string | undefined {
  for (const n of names) { const hit = header.find((h) => h.trim().toLowerCase() === n); if (hit) return hit; }
  return undefined;
}

/** Checks the provenance options: each is needed to say in the report where the allocation came from. */
export function checkProvenance(p: { method?: string; seed?: string; software?: string; date?: string }, today: string): ImportedProvenance {
  const problems: FieldProblem[] = [];
  const method = (p.method ?? '').trim();
  const software = (p.software ?? '').trim();
  const date = (p.date ?? '').trim();
  const seedText = (p.seed ?? '').trim();
  if (!method || method.length > 200) problems.push({ pointer: '/method', detail: 'say how the allocation was made (--method, e.g. "blocked by median FSM, alternating within blocks")' });
  if (!software || software.length > 100) problems.push({ pointer: '/software', detail: 'name the software and version that made it (--software, e.g. "Stata 16.1" or "R 4.2.2 randomizr 1.0.0")' });
  if (!/^-?\d{1,15}$/.test(seedText)) problems.push({ pointer: '/seed', detail: `--seed must be the whole-number seed it was made with${seedText ? ` (not "${seedText}")` : ''}` });
  const d = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) problems.push({ pointer: '/date', detail: `--date must be the day it was made, YYYY-MM-DD${date ? ` (not "${date}")` : ''}` });
  else if (date > today) problems.push({ pointer: '/date', detail: `--date ${date} is in the future` });
  if (problems.length) throw new ValidationError(problems.map((x) => x.detail).join('\n'), problems);
  return { method, seed: Number(seedText), software, date };
}

/**
 * Every row checked: URN a whole number, arm one of 0/1, control/intervention (also treatment, treated, T, C), at most
 * once per URN; a stratum or block column is kept as the stratum. Problems name the line and column.
 */
export function readImportedAllocation(table: CsvTable, source: string): { rows: ImportedRow[]; armColumn: string; stratumColumn: string | null } {
  const urnColumn = findColumn(table.header, ['urn']);
  const armColumn = findColumn(table.header, ARM_COLUMNS);
  if (!urnColumn || !armColumn) {
    throw new ValidationError(`${source}: line 1: needs a "URN" column and an arm column (one of ${ARM_COLUMNS.join(', ')}); found ${table.header.map((h) => `"${h}"`).join(', ')}`);
  }
  const stratumColumn = findColumn(table.header, STRATUM_COLUMNS) ?? null;
  const check = new RowChecker();
  const rows: ImportedRow[] = [];
  const seen = new Map<number, number>();
  for (const row of table.rows) {
    const before = check.problems.length;
    const urn = check.integer({ ...row, values: { ...row.values, URN: row.values[urnColumn] ?? '' } }, 'URN', { required: true, min: 1, max: 99999999, what: 'a URN (a positive whole number)' });
    const raw = (row.values[armColumn] ?? '').trim();
    const arm = ARM_VALUES[raw.toLowerCase()];
    if (!arm) check.problem(row, armColumn, raw === '' ? 'is blank' : `"${raw}" is not an arm (use 1 or intervention, 0 or control)`);
    if (urn !== null && seen.has(urn)) check.problem(row, 'URN', `${urn} also appears on line ${seen.get(urn)}`);
    if (check.problems.length === before && urn !== null && arm) {
      seen.set(urn, row.line);
      rows.push({ urn, arm, stratum: stratumColumn ? (row.values[stratumColumn] ?? '').trim() || 'all' : 'all', line: row.line });
    }
  }
  if (check.problems.length) {
    const problems = byLine(check.problems);
    throw new ValidationError(problems.map((p) => `${source}: line ${p.line}: ${p.column ? `${p.column} ` : ''}${p.detail}`).join('\n'), problems);
  }
  if (rows.length === 0) throw new ValidationError(`${source}: no schools after the header row`);
  return { rows, armColumn, stratumColumn };
}
