// Serves the respondent client's hashed files (client/dist/assets) as the build compressed them: brotli or gzip by Accept-Encoding, Vary: Accept-Encoding, cached for a year as immutable.
import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';

export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * The best encoding the client accepts among those on disk: brotli, then gzip, else identity. Reads q-values
 * (q=0 refuses), `*`, and case; identity is refused only by an explicit identity;q=0 (or *;q=0 without identity).
 */
export function chooseEncoding(header: string | undefined, available: readonly Encoding[]): Encoding | undefined {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim());
    if (!name) continue;
    const qp = params.find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepts = (enc: Encoding) => {
    if (q.has(enc)) return (q.get(enc) ?? 0) > 0;
    if (q.has('*')) return (q.get('*') ?? 0) > 0;
    return enc === 'identity';
  };
  for (const enc of ['br', 'gzip'] as const) if (available.includes(enc) && accepts(enc)) return enc;
  return accepts('identity') ? 'identity' : undefined;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json; charset=utf-8', '.woff2': 'font/woff2', '.png': 'image/png',
  '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json; charset=utf-8',
};

interface Asset { type: string; variants: Partial<Record<Encoding, Buffer>> }

/** Vite's hashed file names: name-<hash>.ext (the hash changes with the content, so a year's caching is safe). */
const fileName = /^[A-Za-z0-9_.-]+$/;

/**
 * GET/HEAD /<file> from `dir`: the file's .br or .gz copy when the client accepts it (the copies are made at
 * build, client/build/precompress.ts), else the file itself. Files are read once and kept in memory (the
 * client's files are a few MB with their copies, and their names change whenever their content does).
 */
export function precompressedAssets(dir: string): Router {
  const cache = new Map<string, Asset | null>();
  function load(name: string): Asset | null {
    if (cache.has(name)) return cache.get(name) ?? null;
    const file = path.join(dir, name);
    let asset: Asset | null = null;
    try {
      if (fs.statSync(file).isFile()) {
        const variants: Asset['variants'] = { identity: fs.readFileSync(file) };
        for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']] as const) if (fs.existsSync(file + ext)) variants[enc] = fs.readFileSync(file + ext);
        asset = { type: types[path.extname(name).toLowerCase()] ?? 'application/octet-stream', variants };
      }
    } catch { asset = null; }
    if (asset) cache.set(name, asset); // a missing file is not remembered: a build may add it later
    return asset;
  }
  const router = Router();
  router.get('/:file', (req: Request, res: Response, next) => {
    const name = String(req.params.file);
    if (!fileName.test(name) || name.startsWith('.') || /\.(br|gz)$/.test(name)) { next(); return; }
    const asset = load(name);
    if (!asset) { next(); return; }
    const available = Object.keys(asset.variants) as Encoding[];
    res.setHeader('Vary', 'Accept-Encoding');
    const encoding = chooseEncoding(req.get('accept-encoding'), available);
    if (!encoding) { res.status(406).type('text/plain').send('None of the encodings in Accept-Encoding is available.'); return; }
    const body = asset.variants[encoding] as Buffer;
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.status(200);
    if (req.method === 'HEAD') res.end(); else res.end(body);
  });
  return router;
}
