// Starts the site: reads config, checks what production needs, opens and migrates the database, seeds the demo trial on an empty database when asked, listens, and shuts down gracefully on SIGTERM.
import crypto from 'node:crypto';
import type http from 'node:http';
import { loadConfig, ConfigError } from './config';
import type { Db } from './storage/db';
import { rollBackAbandonedOutcomeImports } from './storage/chunked-outcome-import';
import { createServer } from './app';
import { createLogSink, type LogSink } from './logging/log-sink';
import { installProcessGuard } from './http/request-guard';
import { Shutdown } from './lifecycle/shutdown';
import { StartupRefused, checkClientBuilt, loadSecret, openWritableDatabase } from './lifecycle/startup-checks';
import { configuredSender } from './mail/configured-sender';
import { startOutboxWorker } from './mail/outbox-worker';

/** Text lines until the configuration is read; then the configured sink (text or JSON), redacted alike. */
let log: LogSink = createLogSink('text');

/** How long in-flight requests get to finish after SIGTERM before their connections are cut. */
const shutdownGraceMs = 10_000;

/** Stops accepting connections, lets in-flight requests finish (keep-alive connections close after their current response), cuts what is left after the grace period. Resolves true when nothing had to be cut. */
function closeHttpServer(server: http.Server): Promise<boolean> {
  return new Promise((resolve) => {
    let cut = false;
    const timer = setTimeout(() => { cut = true; log(`shutdown: requests still open after ${shutdownGraceMs / 1000} s were cut`); server.closeAllConnections(); }, shutdownGraceMs);
    server.close(() => { clearTimeout(timer); resolve(!cut); });
    server.closeIdleConnections();
  });
}

/** An outcome import killed part-way is rolled back before the site serves its half-written rows (one still running is left to finish). */
async function rollBackAbandonedImports(db: Db): Promise<void> {
  try {
    const ids = await rollBackAbandonedOutcomeImports(db);
    if (ids.length) log(`rolled back ${ids.length} outcome import(s) that had stopped part-way (number ${ids.join(', ')})`);
  } catch (err) {
    log(`outcome imports: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  let config;
  try { config = loadConfig(); } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`dslkit: ${err.message}\n`); process.exit(1); }
    throw err;
  }
  log = createLogSink(config.logFormat);
  let db;
  let secret;
  try {
    checkClientBuilt(config);
    secret = loadSecret(config);
    db = openWritableDatabase(config);
  } catch (err) {
    if (err instanceof StartupRefused) { process.stderr.write(`${err.message}\n`); process.exit(1); }
    throw err;
  }
  await rollBackAbandonedImports(db);
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

  // Shutdown order: stop taking requests and finish those in flight, then whatever the app registered (queued group commits), then the database.
  const shutdown = new Shutdown();
  let cleanHttpClose = true;
  let server: http.Server | undefined;
  shutdown.register('HTTP server', async () => { if (server) cleanHttpClose = await closeHttpServer(server); });
  const sender = configuredSender(config.mail);
  const worker = sender
    ? startOutboxWorker({ db, sender, secret, publicUrl: config.publicUrl, clock: () => new Date(), log, ratePerSecond: config.mail.ratePerSecond })
    : undefined;
  if (sender) log(`sending mail by ${sender.name === 'smtp' ? 'SMTP' : 'GOV.UK Notify'}, at most ${config.mail.ratePerSecond} a second`);
  if (worker) shutdown.register('outbox sender', () => worker.stop()); // finishes the message being sent; queued ones wait for the next start
  const outbox = worker && sender ? { wake: worker.wake, sender: sender.name } : undefined;
  server = createServer({ db, config, clock: () => new Date(), randomBytes: crypto.randomBytes, secret, log, shutdown, outbox });
  const openDb = db;
  shutdown.register('database', () => { openDb.close(); });

  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log(`dslkit listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port} (database ${config.dbPath}${config.production ? ', production' : ''})`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(`dslkit: cannot listen on ${config.host}:${config.port}: ${err.code === 'EADDRINUSE' ? 'the port is already in use (set PORT to another)' : err.message}\n`);
    process.exit(1);
  });
  const stop = (signal: string) => {
    if (shutdown.stopping) return;
    log(`${signal}: finishing in-flight requests, then exiting`);
    void shutdown.run(log).then((failed) => {
      const ok = failed.length === 0 && cleanHttpClose;
      log(ok ? 'stopped cleanly' : `stopped with problems${failed.length ? ` (${failed.join(', ')})` : ''}`);
      process.exit(ok ? 0 : 1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
