// The rooms of ../shared/design/ARCHITECTURE.md, checked on the source: which folder may import which (a new import across a wall fails here).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Every module a file imports: bare package names as written, relative ones as paths from the repository root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specs.map((s) => (s.startsWith('.') ? path.relative(root, path.resolve(path.dirname(path.join(root, file)), s)) : s));
}

function offenders(dirs: string[], bad: (spec: string, file: string) => boolean): string[] {
  return dirs.flatMap(sourceFiles).flatMap((f) => importsOf(f).filter((s) => bad(s, f)).map((s) => `${f} imports ${s}`));
}

describe('rooms of the data flow', () => {
  it('reads the imports it checks (a known import is found)', () => {
    expect(importsOf('reports/render.ts')).toContain('handlebars');
    expect(importsOf('server/app.ts')).toContain('server/deps');
  });

  it('reports/, instruments/ and shared/ import nothing from server/', () => {
    expect(offenders(['reports', 'instruments', 'shared'], (s) => s.startsWith('server/'))).toEqual([]);
  });

  it('express is imported only under server/http (and app.ts, which assembles the app); better-sqlite3 only under server/storage', () => {
    expect(offenders(['server', 'reports', 'instruments', 'shared'], (s, f) => s === 'express' && !f.startsWith('server/http/') && f !== 'server/app.ts')).toEqual([]);
    expect(offenders(['server', 'reports', 'instruments', 'shared'], (s, f) => s === 'better-sqlite3' && !f.startsWith('server/storage/'))).toEqual([]);
  });

  it('routers take their dependencies from server/deps.ts, never from app.ts (which imports the routers)', () => {
    expect(offenders(['server/http'], (s) => s === 'server/app')).toEqual([]);
  });

  it('domain/ imports neither Express nor SQL', () => {
    expect(offenders(['server/domain'], (s) => s === 'express' || s === 'better-sqlite3' || s.startsWith('server/http/'))).toEqual([]);
  });

  it('storage/response-repo.ts stores responses; validating and scoring answers is domain/surveys/submission-rules.ts', () => {
    expect(importsOf('server/storage/response-repo.ts').filter((s) => s.startsWith('instruments/'))).toEqual([]);
  });
});
