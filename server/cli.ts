// The `dslkit` command: finds sub-commands in cli/commands/, parses options, prints help, and turns errors into one-line messages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DslkitError } from '../shared/errors';
import { openDatabase, type Db } from './storage/db';
import { UsageError, type CliCommand, type CliContext, type CliIo, type CliOption } from './cli/command';
import { dslkitVersion } from './version';

const commandsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli', 'commands');

const dbOption: CliOption = { name: 'db', type: 'string', valueName: '<path>', description: 'SQLite database file (default: $DSLKIT_DB, then ./data/dslkit.db)' };
const helpOption: CliOption = { name: 'help', type: 'boolean', description: 'show this help' };

/** Where command modules come from: by default the files in cli/commands (file <name>.ts exports `command`). */
export interface CommandSource {
  files: () => string[];
  load: (file: string) => Promise<{ command?: CliCommand }>;
}

let commandSource: CommandSource = {
  files: () => fs.readdirSync(commandsDir).filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f)).sort(),
  load: (file) => import(pathToFileURL(path.join(commandsDir, file)).href),
};

/** The compiled command (bin/build-server.mjs) passes a table made from the same files at build time. */
export function useCommandSource(source: CommandSource): void {
  commandSource = source;
}

function commandFiles(): string[] {
  return commandSource.files();
}

async function importCommand(file: string): Promise<CliCommand | undefined> {
  return (await commandSource.load(file)).command;
}

/** Loads every command module (for the command list in --help). */
export async function loadCommands(): Promise<CliCommand[]> {
  const all = await Promise.all(commandFiles().map(importCommand));
  return all.filter((c): c is CliCommand => Boolean(c)).sort((a, b) => a.name.localeCompare(b.name));
}

/** Loads just the named command: its file first (fast path), else by scanning every module's declared name. */
async function findCommand(name: string): Promise<CliCommand | undefined> {
  if (commandFiles().includes(`${name}.ts`)) {
    const cmd = await importCommand(`${name}.ts`);
    if (cmd?.name === name) return cmd;
  }
  return (await loadCommands()).find((c) => c.name === name);
}

function optionsOf(cmd: CliCommand): CliOption[] {
  return [...cmd.options, ...(cmd.usesDb ? [dbOption] : []), helpOption];
}

export function commandHelp(cmd: CliCommand): string {
  const opts = optionsOf(cmd);
  const width = Math.max(...opts.map((o) => `--${o.name}${o.valueName ? ` ${o.valueName}` : ''}`.length));
  const lines = [`Usage: dslkit ${cmd.usage}`, '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description.trim());
  lines.push('', 'Options:');
  for (const o of opts) {
    const left = `--${o.name}${o.valueName ? ` ${o.valueName}` : ''}`;
    lines.push(`  ${left.padEnd(width)}  ${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}${o.multiple ? ' (repeatable)' : ''}`);
  }
  return lines.join('\n') + '\n';
}

function mainHelp(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'dslkit: surveys, scoring, randomisation, analysis and reports for trials of DSL supervision',
    '',
    'Usage: dslkit <command> [options]      dslkit <command> --help for its options',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Commands that use the database take --db <path> (default: $DSLKIT_DB, then ./data/dslkit.db).',
  ].join('\n') + '\n';
}

export const processIo: CliIo = {
  stdout: (t) => { process.stdout.write(t); },
  stderr: (t) => { process.stderr.write(t); },
  isTTY: Boolean(process.stderr.isTTY),
};

/** Runs one command line; returns the exit code (0 ok, 1 failed input, 2 usage error). */
export async function runCli(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env, clock: () => Date = () => new Date()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { io.stdout(mainHelp(await loadCommands())); return name ? 0 : 2; }
  if (name === '--version') { io.stdout(`dslkit ${dslkitVersion()}\n`); return 0; }
  const cmd = /^[a-z][a-z0-9-]*$/.test(name) ? await findCommand(name) : undefined;
  if (!cmd) { io.stderr(`dslkit: unknown command "${name}". Run dslkit --help for the list.\n`); return 2; }

  let db: Db | undefined;
  try {
    const opts = optionsOf(cmd);
    const parsed = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: Object.fromEntries(opts.map((o) => [o.name, { type: o.type, multiple: o.multiple ?? false }])),
    });
    if (parsed.values.help) { io.stdout(commandHelp(cmd)); return 0; }
    const dbPath = path.resolve((parsed.values.db as string | undefined) ?? env.DSLKIT_DB ?? './data/dslkit.db');
    const ctx: CliContext = {
      values: parsed.values as CliContext['values'], positionals: parsed.positionals, io, dbPath, clock,
      actor: `cli:${safeUser()}`,
      openDb: () => (db ??= openDatabase(dbPath)),
    };
    return await cmd.run(ctx);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`dslkit ${cmd.name}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}\nRun dslkit ${cmd.name} --help for usage.\n`);
      return 2;
    }
    if (err instanceof DslkitError) { io.stderr(`${err.message}\n`); return 1; }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && e.path) { io.stderr(`dslkit ${cmd.name}: no such file: ${e.path}\n`); return 1; }
    io.stderr(`dslkit ${cmd.name}: internal error: ${e.message}${env.DSLKIT_DEBUG ? `\n${e.stack}` : ' (set DSLKIT_DEBUG=1 for details)'}\n`);
    return 70;
  } finally {
    db?.close();
  }
}

function safeUser(): string {
  try { return os.userInfo().username; } catch { return 'unknown'; }
}
