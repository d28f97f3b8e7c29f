#!/usr/bin/env node
// `npm start`: builds the respondent client when its sources are newer than the build, compiles the server to one module, then starts it on plain Node.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildServer } from './build-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const viteConfig = path.join(root, 'client', 'vite.config.ts');
if (fs.existsSync(viteConfig)) {
  const built = path.join(root, 'client', 'dist', 'index.html');
  const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < Math.max(newestMtime(path.join(root, 'client', 'src')), newestMtime(path.join(root, 'client', 'build')), fs.statSync(path.join(root, 'client', 'index.html')).mtimeMs, fs.statSync(viteConfig).mtimeMs);
  if (stale) {
    process.stdout.write('Building the client (first start or sources changed)...\n');
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', viteConfig, '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
    if (result.status !== 0) { process.stderr.write('dslkit: the client build failed (see above).\n'); process.exit(1); }
  }
}

await import(pathToFileURL(await buildServer()).href);
