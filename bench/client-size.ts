// Secondary bench figure: size on disk of the respondent page's JavaScript and CSS, raw and gzipped (bench/respondent-page.ts measures what goes over the wire).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { clientDistDir, ensureClientBuilt } from '../tests/helpers/build-client';

export interface ClientSizeFigure { label: string; kb: number; value: number; unit: string; target?: string; ok?: boolean }

/** Bytes of every built file with this extension under client/dist/assets, raw and gzipped (zlib default level, as a server would send them). */
export function builtAssetBytes(ext: '.js' | '.css'): { raw: number; gzip: number; files: string[] } {
  const dir = path.join(clientDistDir, 'assets');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(ext));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(dir, f));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes).length;
  }
  return { raw, gzip, files };
}

/** kB = 1000 bytes (the stricter reading of "450 KB"), one decimal. */
const kb = (bytes: number) => Math.round(bytes / 100) / 10;

export async function benchClientSize(): Promise<ClientSizeFigure[]> {
  ensureClientBuilt();
  const js = builtAssetBytes('.js');
  const css = builtAssetBytes('.css');
  const jsGz = kb(js.gzip);
  return [
    { label: 'respondent page JavaScript, gzipped', kb: jsGz, value: jsGz, unit: 'kB' },
    { label: 'respondent page JavaScript, uncompressed', kb: kb(js.raw), value: kb(js.raw), unit: 'kB' },
    { label: 'respondent page CSS, gzipped', kb: kb(css.gzip), value: kb(css.gzip), unit: 'kB' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await benchClientSize()) process.stdout.write(`${f.label}: ${f.kb}${f.target ? ` (target ${f.target})` : ''}\n`);
}
