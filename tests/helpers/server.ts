// Starts the real Express app on a loopback port against a real temporary SQLite file, for HTTP tests.
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer } from '../../server/app';
import type { AppDeps } from '../../server/deps';
import { loadConfig } from '../../server/config';
import { tempDb } from './temp';

export interface TestServer { url: string; deps: AppDeps; close: () => Promise<void>; logs: string[] }

/** Starts the app on 127.0.0.1:0. Options override deps (e.g. a fixed clock). */
export async function startTestServer(overrides: Partial<AppDeps> = {}, env: Record<string, string> = {}): Promise<TestServer> {
  const t = tempDb();
  const logs: string[] = [];
  const config = loadConfig({ PORT: '0', DSLKIT_DB: t.file, DSLKIT_SECRET_FILE: `${t.dir}/secret.key`, DSLKIT_LOG: 'quiet', ...env });
  const deps: AppDeps = { db: t.db, config, clock: () => new Date(), randomBytes: crypto.randomBytes, secret: crypto.randomBytes(32), log: (l) => logs.push(l), ...overrides };
  const server: Server = await new Promise((resolve) => { const s = createServer(deps).listen(0, '127.0.0.1', () => resolve(s)); });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, deps, logs,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { t.cleanup(); resolve(); }); }),
  };
}
