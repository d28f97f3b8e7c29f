// Health and readiness for load balancers and monitoring: /api/health says the process answers, /api/ready that it can take writes (database writable, migrations current, secret present, not shutting down).
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { latestSchemaVersion, migrationStatus, probeWritable, schemaVersion } from '../storage/db';
import { secretFileHolds } from '../storage/secret-file';

interface Check { name: string; ok: boolean; detail: string }

function readinessChecks(deps: AppDeps): Check[] {
  let database: Check;
  try { probeWritable(deps.db); database = { name: 'database', ok: true, detail: 'writable' }; } catch (err) {
    database = { name: 'database', ok: false, detail: `not writable: ${(err as Error).message.split('\n')[0]}` };
  }
  let migrations: Check;
  try {
    const { pending } = migrationStatus(deps.db);
    migrations = pending.length
      ? { name: 'migrations', ok: false, detail: `pending: ${pending.map((m) => m.name).join(', ')}` }
      : { name: 'migrations', ok: true, detail: `current (schema version ${schemaVersion(deps.db)} of ${latestSchemaVersion()})` };
  } catch (err) {
    migrations = { name: 'migrations', ok: false, detail: `unreadable: ${(err as Error).message.split('\n')[0]}` };
  }
  const secret: Check = secretFileHolds(deps.config.secretFile, deps.secret)
    ? { name: 'secret', ok: true, detail: 'present' }
    : { name: 'secret', ok: false, detail: `${deps.config.secretFile} is missing, unreadable or not the secret this server started with` };
  const running: Check = deps.shutdown?.stopping
    ? { name: 'process', ok: false, detail: 'shutting down' }
    : { name: 'process', ok: true, detail: 'running' };
  return [running, database, migrations, secret];
}

export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', schemaVersion: schemaVersion(deps.db) });
  });
  router.get('/ready', (_req, res) => {
    const checks = readinessChecks(deps);
    const byName = Object.fromEntries(checks.map((c) => [c.name, c.detail]));
    res.set('Cache-Control', 'no-store');
    if (checks.every((c) => c.ok)) { res.json({ status: 'ready', checks: byName }); return; }
    const failing = checks.filter((c) => !c.ok);
    const detail = `Not ready: ${failing.map((c) => `${c.name} ${c.detail}`).join('; ')}.`;
    res.status(503).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, detail, checks: byName }));
  });
  return router;
}
