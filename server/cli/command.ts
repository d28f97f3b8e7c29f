// The shape every `dslkit` sub-command exports, and small helpers for reading its options.
import type { Db } from '../storage/db';
import { ValidationError } from '../../shared/errors';

export interface CliOption {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Placeholder shown in help, e.g. "<file>". */
  valueName?: string;
  description: string;
  default?: string;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars draw only then). */
  isTTY: boolean;
}

export interface CliContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  io: CliIo;
  /** Opens (creating and migrating) the database named by --db, DSLKIT_DB or ./data/dslkit.db. */
  openDb: () => Db;
  /** The resolved database path (for messages). */
  dbPath: string;
  clock: () => Date;
  /** Who is acting, for the audit log: 'cli:<os user>'. */
  actor: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Usage line(s) after "dslkit ". */
  usage: string;
  /** Longer help text: what it does, what it writes, examples. */
  description?: string;
  options: CliOption[];
  /** True when the command reads or writes the database (adds --db). */
  usesDb?: boolean;
  run: (ctx: CliContext) => Promise<number> | number;
}

/** A usage mistake: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export function stringOption(ctx: CliContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredString(ctx: CliContext, name: string): string {
  const v = stringOption(ctx, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function listOption(ctx: CliContext, name: string): string[] {
  const v = ctx.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** Parses a numeric option; a bad value is one clear sentence, never NaN downstream. */
export function numberOption(ctx: CliContext, name: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = stringOption(ctx, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const bad = raw.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))
    || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = [opts.min !== undefined ? `at least ${opts.min}` : '', opts.max !== undefined ? `at most ${opts.max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`--${name} "${raw}" must be ${opts.integer ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}`);
  }
  return n;
}

export function flag(ctx: CliContext, name: string): boolean {
  return ctx.values[name] === true;
}

export { ValidationError };
