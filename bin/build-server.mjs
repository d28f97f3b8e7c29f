// Compiles the TypeScript server into .build/server.mjs and the `dslkit` command into .build/cli-<fingerprint>/, so both run on plain Node without a TypeScript loader (less memory, faster start); `npm run build` (bin/build.mjs) also builds the client and records the production build.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = path.join(root, '.build');
export const serverBundle = path.join(buildDir, 'server.mjs');
/** Written last by `npm run build`: what a production start and the production `dslkit` command run (bin/production-build.mjs reads it). */
export const manifestFile = path.join(buildDir, 'production.json');

/**
 * Modules find their own files (migrations, views, instrument folders, report templates, the client build)
 * next to themselves through import.meta.url. In one bundle that would be the bundle's address, so each
 * source file keeps its own address, written relative to the folder the bundle is in: the built code folder
 * can be moved or copied (as a production install may be) and still finds its files.
 */
function keepOwnAddress(outDir) {
  return {
    name: 'keep-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        const source = await fs.promises.readFile(args.path, 'utf8');
        const relative = path.relative(outDir, args.path).split(path.sep).join('/');
        const contents = source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
        return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
}

/** What both builds share: one ES module graph for Node 20, packages left to node_modules, names kept for stack traces. */
function nodeBundleOptions(outDir) {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    logLevel: 'warning',
    plugins: [keepOwnAddress(outDir)],
  };
}

/** Builds .build/server.mjs (about a second) and returns its path. Written to a temporary name and renamed, so concurrent builds never leave a half-written file. */
export async function buildServer() {
  const { build } = await import('esbuild');
  fs.mkdirSync(path.dirname(serverBundle), { recursive: true });
  const temporary = `${serverBundle}.${process.pid}.${Date.now()}.tmp`;
  await build({
    ...nodeBundleOptions(path.dirname(serverBundle)),
    entryPoints: [path.join(root, 'server', 'main.ts')],
    outfile: temporary,
  });
  fs.renameSync(temporary, serverBundle);
  return serverBundle;
}

/** The newest modification time of a file, or of anything under a folder (0 when missing). */
function newestMtime(dir) {
  if (!fs.existsSync(dir)) return 0;
  if (!fs.statSync(dir).isDirectory()) return fs.statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const clientDir = path.join(root, 'client');
export const clientIndex = path.join(clientDir, 'dist', 'index.html');

/** True when client/dist is missing or older than the client's sources (src/, build/, index.html) or its Vite config. */
export function clientIsStale() {
  const viteConfig = path.join(clientDir, 'vite.config.ts');
  if (!fs.existsSync(viteConfig)) return false;
  const sources = Math.max(newestMtime(path.join(clientDir, 'src')), newestMtime(path.join(clientDir, 'build')), newestMtime(path.join(clientDir, 'index.html')), fs.statSync(viteConfig).mtimeMs);
  return !fs.existsSync(clientIndex) || fs.statSync(clientIndex).mtimeMs < sources;
}

/** Builds the respondent client with Vite into client/dist (a few seconds); throws when Vite fails (its output is on the terminal). */
export function buildClient() {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(clientDir, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) throw new Error('the client build failed (see above)');
}

/** The TypeScript sources the command is built from (JSON and templates are read at run time): their paths, sizes and modification times make its fingerprint. */
function sourceFingerprint() {
  const hash = crypto.createHash('sha256');
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) { if (entry.name !== 'node_modules') walk(file); continue; }
      if (!/\.(ts|tsx)$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
      const st = fs.statSync(file);
      hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const dir of ['server', 'shared', 'reports', 'instruments']) walk(path.join(root, dir));
  for (const file of [fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')]) {
    if (fs.existsSync(file)) hash.update(`${file}\0${fs.statSync(file).mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The compiled `dslkit` command for the current sources, built on first use after a change (a second or two).
 * Each command is its own chunk, loaded only when named (as server/cli.ts does with the sources), through a
 * table of commands made from the files in server/cli/commands/. Concurrent first runs each build into their
 * own folder and the first to finish is kept. Returns the entry module's path.
 */
export async function cliBundle() {
  const dir = path.join(root, '.build', `cli-${sourceFingerprint()}`);
  const entry = path.join(dir, 'dslkit.mjs');
  if (fs.existsSync(entry)) return entry;
  const { build } = await import('esbuild');
  const commandsDir = path.join(root, 'server', 'cli', 'commands');
  const files = fs.readdirSync(commandsDir).filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f)).sort();
  const contents = [
    `import { runCli, useCommandSource } from ${JSON.stringify(path.join(root, 'server', 'cli.ts'))};`,
    'const modules = {',
    ...files.map((f) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(path.join(commandsDir, f))}),`),
    '};',
    'useCommandSource({ files: () => Object.keys(modules), load: (file) => modules[file]() });',
    'process.exitCode = await runCli(process.argv.slice(2));',
  ].join('\n');
  const temporary = `${dir}.${process.pid}.${Date.now()}.tmp`;
  await build({
    stdin: { contents, resolveDir: root, sourcefile: 'dslkit-cli-entry.mjs', loader: 'js' },
    outdir: temporary,
    entryNames: 'dslkit',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    ...nodeBundleOptions(dir),
  });
  try {
    fs.renameSync(temporary, dir);
  } catch {
    fs.rmSync(temporary, { recursive: true, force: true }); // another run finished first: use its copy
  }
  removeOldCliBuilds(dir);
  return entry;
}

/** Drops builds of older sources, once no command is likely still running from them. */
function removeOldCliBuilds(keep) {
  const buildDir = path.dirname(keep);
  for (const name of fs.readdirSync(buildDir)) {
    const dir = path.join(buildDir, name);
    if (!name.startsWith('cli-') || dir === keep) continue;
    try { if (Date.now() - fs.statSync(dir).mtimeMs > 10 * 60_000) fs.rmSync(dir, { recursive: true, force: true }); } catch { /* in use or gone */ }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildServer();
  const cli = await cliBundle();
  process.stdout.write(`built ${path.relative(root, file)} and ${path.relative(root, cli)}\n`);
}
