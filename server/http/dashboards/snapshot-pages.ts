// Public dashboard pages rendered once per published snapshot and kept ready to send: UTF-8 bytes, a gzipped copy and an ETag, so a busy public page costs a lookup, not a render.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

interface ReadyPage { snapshotId: number; body: Buffer; gzipped: Buffer; etag: string }

/**
 * A published snapshot never changes (the table is append-only), so its page is rendered once. Each request
 * still asks SQLite which snapshot is the latest, so a new publication (from this server or `dslkit publish`)
 * shows at once.
 */
export class SnapshotPages {
  private readonly pages = new Map<string, ReadyPage>();

  /** The page for `key` at `snapshotId`; otherwise renders it (render says which snapshot it drew, which may be newer still). */
  get(key: string, snapshotId: number, render: () => { snapshotId: number; html: string }): ReadyPage {
    const cached = this.pages.get(key);
    if (cached?.snapshotId === snapshotId) return cached;
    const fresh = render();
    const body = Buffer.from(fresh.html, 'utf8');
    const page = {
      snapshotId: fresh.snapshotId, body, gzipped: zlib.gzipSync(body, { level: 9 }),
      // weak: the gzipped and plain bodies are the same page
      etag: `W/"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    this.pages.set(key, page);
    return page;
  }
}

/** Sends a ready page: 304 when the browser's copy is current, gzipped when the browser accepts it. */
export function sendReadyPage(req: Request, res: Response, page: ReadyPage): void {
  res.set({ 'Cache-Control': 'public, max-age=60', ETag: page.etag, Vary: 'Accept-Encoding' }).type('html');
  if (req.fresh) { res.status(304).end(); return; }
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.set('Content-Encoding', 'gzip').send(page.gzipped);
    return;
  }
  res.send(page.body);
}
