// The dslkit version, read once from package.json (the export codebook, the OpenAPI document and `dslkit --version` say it).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

export function dslkitVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json'), 'utf8')) as { version: string }).version;
    } catch { version = 'unknown'; }
  }
  return version;
}
