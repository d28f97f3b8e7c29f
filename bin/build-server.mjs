// Compiles the TypeScript server (server/main.ts and what it imports) into one ES module, .build/server.mjs, so the site runs on plain Node without a TypeScript loader in memory.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

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

/** Builds .build/server.mjs (about a second) and returns its path. Written to a temporary name and renamed, so concurrent builds never leave a half-written file. */
export async function buildServer() {
  fs.mkdirSync(path.dirname(serverBundle), { recursive: true });
  const temporary = `${serverBundle}.${process.pid}.${Date.now()}.tmp`;
  await build({
    entryPoints: [path.join(root, 'server', 'main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    logLevel: 'warning',
    plugins: [keepOwnAddress],
  });
  fs.renameSync(temporary, serverBundle);
  return serverBundle;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildServer();
  process.stdout.write(`built ${path.relative(root, file)}\n`);
}
