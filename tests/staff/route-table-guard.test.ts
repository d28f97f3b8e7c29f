// Guard for the route x role matrix: every route the app serves under /staff is in the one route table (walks Express's router stack), and vice versa.
import crypto from 'node:crypto';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { staffRoutes } from '../../server/http/staff/routes';
import { tempDb } from '../helpers/temp';

interface LayerLike { route?: { path: string | string[]; methods: Record<string, boolean> }; handle: { stack?: LayerLike[] }; rawPath?: string | string[] }

const join = (prefix: string, p: string) => (`${prefix}/${p}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'));

/** Every route reachable from a router stack as 'METHOD /full/path', following mounted sub-routers. */
function registeredRoutes(stack: LayerLike[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const p of ([] as string[]).concat(layer.route.path)) {
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(`${m.toUpperCase()} ${join(prefix, p)}`);
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      out.push(...registeredRoutes(layer.handle.stack, join(prefix, mount)));
    }
  }
  return out;
}

const tableKeys = new Set(staffRoutes.map((r) => `${r.method.toUpperCase()} ${join('/staff', r.path)}`));
const staffOnly = (routes: string[]) => routes.filter((r) => / \/staff(\/|$)/.test(r));

const t = tempDb();
afterAll(() => t.cleanup());
function app(): express.Express {
  const config = loadConfig({ PORT: '0', DSLKIT_DB: t.file, DSLKIT_SECRET_FILE: `${t.dir}/secret.key`, DSLKIT_LOG: 'quiet' });
  return createApp({ db: t.db, config, clock: () => new Date(), randomBytes: crypto.randomBytes, secret: crypto.randomBytes(32), log: () => undefined });
}
const stackOf = (a: express.Express) => (a as unknown as { router: { stack: LayerLike[] } }).router.stack;

describe('the staff route table is complete', () => {
  it('every route the app serves under /staff is in the table (so route-roles.test.ts tests it)', () => {
    const served = staffOnly(registeredRoutes(stackOf(app())));
    expect(served.length).toBeGreaterThanOrEqual(staffRoutes.length); // the walk found the routers, not an empty list
    expect(served.filter((r) => !tableKeys.has(r))).toEqual([]);
  });
  it('every table entry is served, and none twice (a duplicate would be unreachable)', () => {
    const served = staffOnly(registeredRoutes(stackOf(app())));
    expect([...tableKeys].filter((k) => !served.includes(k))).toEqual([]);
    expect(tableKeys.size).toBe(staffRoutes.length);
    expect(served.length).toBe(new Set(served).size);
  });
  it('catches a route registered outside the table (the guard can fail)', () => {
    const a = app();
    const sneaky = express.Router();
    sneaky.get('/secret-report', (_req, res) => { res.send('no role check here'); });
    a.use('/staff/extra', sneaky);
    a.post('/staff/direct', (_req, res) => { res.send('nor here'); });
    const missing = staffOnly(registeredRoutes(stackOf(a))).filter((r) => !tableKeys.has(r));
    expect(missing.sort()).toEqual(['GET /staff/extra/secret-report', 'POST /staff/direct']);
  });
});
