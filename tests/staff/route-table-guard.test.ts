// Guard for the route x role matrix: every route the app serves under /staff is in the one route table (walks Express's router stack), and vice versa.
import crypto from 'node:crypto';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { staffRoutes } from '../../server/http/staff/routes';
import { tempDb } from '../helpers/temp';
import { joinPath as join, registeredRoutes } from '../helpers/router-routes';

const tableKeys = new Set(staffRoutes.map((r) => `${r.method.toUpperCase()} ${join('/staff', r.path)}`));
const staffOnly = (routes: string[]) => routes.filter((r) => / \/staff(\/|$)/.test(r));

const t = tempDb();
afterAll(() => t.cleanup());
function app(): express.Express {
  const config = loadConfig({ PORT: '0', DSLKIT_DB: t.file, DSLKIT_SECRET_FILE: `${t.dir}/secret.key`, DSLKIT_LOG: 'quiet' });
  return createApp({ db: t.db, config, clock: () => new Date(), randomBytes: crypto.randomBytes, secret: crypto.randomBytes(32), log: () => undefined });
}

describe('the staff route table is complete', () => {
  it('every route the app serves under /staff is in the table (so route-roles.test.ts tests it)', () => {
    const served = staffOnly(registeredRoutes(app()));
    expect(served.length).toBeGreaterThanOrEqual(staffRoutes.length); // the walk found the routers, not an empty list
    expect(served.filter((r) => !tableKeys.has(r))).toEqual([]);
  });
  it('every table entry is served, and none twice (a duplicate would be unreachable)', () => {
    const served = staffOnly(registeredRoutes(app()));
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
    const missing = staffOnly(registeredRoutes(a)).filter((r) => !tableKeys.has(r));
    expect(missing.sort()).toEqual(['GET /staff/extra/secret-report', 'POST /staff/direct']);
  });
});
