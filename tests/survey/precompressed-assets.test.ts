// The respondent client's files go over the wire as the build compressed them: brotli or gzip by Accept-Encoding, Vary, a year's immutable caching (issue 12).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientDistDir, ensureClientBuilt } from '../helpers/build-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { chooseEncoding } from '../../server/http/precompressed-assets';

let srv: TestServer;
let js: string;
let css: string;

beforeAll(async () => {
  ensureClientBuilt();
  const files = fs.readdirSync(path.join(clientDistDir, 'assets'));
  js = files.find((f) => f.endsWith('.js'))!;
  css = files.find((f) => f.endsWith('.css'))!;
  srv = await startTestServer();
});
afterAll(async () => { await srv?.close(); });

/** A raw GET (Node's fetch would decompress and hide the encoding). */
function rawGet(url: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

describe('pre-compressed respondent assets', () => {
  it('has a brotli and a gzip copy of each script and stylesheet beside it after the build', () => {
    for (const f of [js, css]) {
      const original = fs.readFileSync(path.join(clientDistDir, 'assets', f));
      expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(clientDistDir, 'assets', `${f}.br`))).equals(original)).toBe(true);
      expect(zlib.gunzipSync(fs.readFileSync(path.join(clientDistDir, 'assets', `${f}.gz`))).equals(original)).toBe(true);
    }
  });

  it('sends brotli to a browser that asks for br, with Vary and immutable caching, and the bytes decode to the file', async () => {
    const original = fs.readFileSync(path.join(clientDistDir, 'assets', js));
    const res = await rawGet(`${srv.url}/assets/${js}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(original.length / 4);
    expect(zlib.brotliDecompressSync(res.body).equals(original)).toBe(true);
  });

  it('sends gzip when brotli is not accepted, the plain file when nothing is, and HEAD has no body', async () => {
    const original = fs.readFileSync(path.join(clientDistDir, 'assets', css));
    const gz = await rawGet(`${srv.url}/assets/${css}`, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(zlib.gunzipSync(gz.body).equals(original)).toBe(true);
    const plain = await rawGet(`${srv.url}/assets/${css}`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.equals(original)).toBe(true);
    const head = await rawGet(`${srv.url}/assets/${js}`, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.body.length).toBe(0);
  });

  it('does not serve the compressed copies by their own names, nor anything outside assets', async () => {
    expect((await rawGet(`${srv.url}/assets/${js}.br`, {})).status).toBe(404);
    expect((await rawGet(`${srv.url}/assets/..%2Fvite.config.ts`, {})).status).toBe(404);
    expect((await rawGet(`${srv.url}/assets/nothing-here.js`, {})).status).toBe(404);
  });

  it('chooses by q-values and wildcards', () => {
    const all = ['br', 'gzip', 'identity'] as const;
    expect(chooseEncoding('gzip, deflate, br', all)).toBe('br');
    expect(chooseEncoding('br;q=0, gzip;q=0.5', all)).toBe('gzip');
    expect(chooseEncoding('*', all)).toBe('br');
    expect(chooseEncoding('GZIP', all)).toBe('gzip');
    expect(chooseEncoding(undefined, all)).toBe('identity');
    expect(chooseEncoding('br', ['identity'])).toBe('identity');
    expect(chooseEncoding('identity;q=0', ['identity'])).toBeUndefined();
    expect(chooseEncoding('*;q=0', ['identity'])).toBeUndefined();
  });
});
