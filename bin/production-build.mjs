// Finds the build `npm run build` made (.build/production.json) for a production start and the production `dslkit` command; never builds or writes anything.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestFile = path.join(root, '.build', 'production.json');

/** True when NODE_ENV=production: the code folder is then treated as read-only. */
export const isProduction = process.env.NODE_ENV === 'production';

/** A production build that is missing or incomplete; its message is the one sentence printed. */
export class MissingBuild extends Error {}

/** The built server, command and client recorded by `npm run build`, as absolute paths; throws MissingBuild naming what is missing. */
export function productionBuild() {
  const advice = `run "npm run build" in ${root} (as the owner of the code folder) before starting with NODE_ENV=production`;
  if (!fs.existsSync(manifestFile)) throw new MissingBuild(`dslkit: there is no production build in ${root}: ${advice}.`);
  let manifest;
  try { manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')); } catch { throw new MissingBuild(`dslkit: ${manifestFile} is unreadable: ${advice}.`); }
  const files = { server: path.join(root, manifest.server ?? ''), cli: path.join(root, manifest.cli ?? ''), client: path.join(root, manifest.client ?? '') };
  for (const [what, file] of Object.entries(files)) {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new MissingBuild(`dslkit: the production build in ${root} is incomplete (the ${what} build ${path.relative(root, file) || '(none)'} is missing): ${advice}.`);
  }
  return files;
}
