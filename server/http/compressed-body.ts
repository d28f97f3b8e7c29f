// Sends a page or JSON body compressed for the client that accepts it (brotli at a quick level, else gzip), with Vary: Accept-Encoding; small bodies go as they are.
import zlib from 'node:zlib';
import type { Request, Response } from 'express';
import { chooseEncoding } from './precompressed-assets';

/** Below this a compressed body saves less than a packet. */
const minBytes = 1024;

export function sendCompressed(req: Request, res: Response, body: string, type: string): void {
  const raw = Buffer.from(body, 'utf8');
  res.setHeader('Vary', 'Accept-Encoding');
  res.type(type);
  const encoding = raw.length < minBytes ? 'identity' : chooseEncoding(req.get('accept-encoding'), ['br', 'gzip', 'identity']) ?? 'identity';
  // brotli quality 5 compresses a 30 kB page about as well as gzip -9 in well under a millisecond
  const out = encoding === 'br' ? zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
    : encoding === 'gzip' ? zlib.gzipSync(raw, { level: 6 }) : raw;
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', out.length);
  res.end(req.method === 'HEAD' ? undefined : out);
}
