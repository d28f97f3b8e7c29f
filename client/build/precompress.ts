// Vite plugin: after the build, writes a brotli (.br) and a gzip (.gz) copy beside every compressible file in dist/assets, once, at the highest levels (node:zlib), for the server (and nginx's *_static) to send as they are.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** Text formats worth compressing; fonts (woff2) and images are compressed already. */
export const compressible = /\.(js|mjs|css|svg|json|html|txt|map)$/;

/** Writes <file>.br and <file>.gz for each compressible file in `dir`; a copy not smaller than the original is not written. */
export function precompressDir(dir: string): { file: string; raw: number; br?: number; gz?: number }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { file: string; raw: number; br?: number; gz?: number }[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!compressible.test(name)) continue;
    const file = path.join(dir, name);
    const bytes = fs.readFileSync(file);
    const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    const gz = zlib.gzipSync(bytes, { level: 9 });
    const row: { file: string; raw: number; br?: number; gz?: number } = { file: name, raw: bytes.length };
    if (br.length < bytes.length) { fs.writeFileSync(`${file}.br`, br); row.br = br.length; }
    if (gz.length < bytes.length) { fs.writeFileSync(`${file}.gz`, gz); row.gz = gz.length; }
    out.push(row);
  }
  return out;
}

export function precompress(assetsDir: string): Plugin {
  return {
    name: 'dslkit-precompress',
    apply: 'build',
    closeBundle() { precompressDir(assetsDir); },
  };
}
