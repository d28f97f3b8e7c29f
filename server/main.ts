// Starts the site: reads config, opens and migrates the database, seeds the demo trial on an empty database, listens.
import crypto from 'node:crypto';
import { loadConfig, ConfigError } from './config';
import { openDatabase } from './storage/db';
import { loadOrCreateSecret } from './storage/secret-file';
import { createServer } from './app';
import { installProcessGuard } from './http/request-guard';

function log(line: string): void { process.stdout.write(`${new Date().toISOString()} ${line}\n`); }

async function main(): Promise<void> {
  let config;
  try { config = loadConfig(); } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`dslkit: ${err.message}\n`); process.exit(1); }
    throw err;
  }
  const db = openDatabase(config.dbPath);
  const secret = loadOrCreateSecret(config.secretFile);
  if (config.seedDemo) {
    const { seedDemoIfEmpty } = await import('./domain/demo/seed-demo');
    const seeded = seedDemoIfEmpty(db, { clock: () => new Date(), secret });
    if (seeded) {
      log(`seeded the synthetic demo trial "demo" and programme "demo-programme" into ${config.dbPath}`);
      const { finishDemoSeed } = await import('./cli/demo-finish');
      const done = await finishDemoSeed(db, seeded, { dbPath: config.dbPath, publicUrl: config.publicUrl, clock: () => new Date() });
      process.stdout.write(done.text);
    }
  }
  installProcessGuard({ log }); // a fault in one request answers that request 400/500; the server keeps serving
  const server = createServer({ db, config, clock: () => new Date(), randomBytes: crypto.randomBytes, secret, log });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log(`dslkit listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port} (database ${config.dbPath})`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(`dslkit: cannot listen on ${config.host}:${config.port}: ${err.code === 'EADDRINUSE' ? 'the port is already in use (set PORT to another)' : err.message}\n`);
    process.exit(1);
  });
  const stop = () => { server.close(() => { db.close(); process.exit(0); }); setTimeout(() => process.exit(0), 3000).unref(); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
