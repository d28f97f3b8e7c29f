// Compiles the TypeScript server into .build/server.mjs and the `dslkit` command into .build/cli-<fingerprint>/, so both run on plain Node without a TypeScript loader (less memory, faster start).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import crypto from 'node:crypto';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const serverBundle = path.join(root, '.build', 'server.mjs');

/**
 * Modules find their own files (migrations, views, instrument folders, report templates, the client build)
 * next to themselves through import.meta.url. In one bundle that would be the bundle's address, so each
 * source file keeps the address it has in the repository.
 */
const keepOwnAddress = {
  name: 'keep-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/** What both builds share: one ES module graph for Node 20, packages left to node_modules, names kept for stack traces. */
const nodeBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  keepNames: true,
  logLevel: 'warning',
  plugins: [keepOwnAddress],
};

/** Builds .build/server.mjs (about a second) and returns its path. Written to a temporary name and renamed, so concurrent builds never leave a half-written file. */
export async function buildServer() {
  const { build } = await import('esbuild');
  fs.mkdirSync(path.dirname(serverBundle), { recursive: true });
  const temporary = `${serverBundle}.${process.pid}.${Date.now()}.tmp`;
  await build({
    ...nodeBundleOptions,
    entryPoints: [path.join(root, 'server', 'main.ts')],
    outfile: temporary,
  });
  fs.renameSync(temporary, serverBundle);
  return serverBundle;
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
  for (const dir of ['server', 'reports', 'instruments']) walk(path.join(root, dir));
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
    ...nodeBundleOptions,
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
