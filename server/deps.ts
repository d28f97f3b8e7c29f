// The dependencies the app and every router are built from (db, config, clock, randomness, secret, log, optional workers); app.ts assembles them, routers only read them.
import type { Config } from './config';
import type { Db } from './storage/db';
import type { ShutdownRegistry } from './lifecycle/shutdown';
import type { LogSink } from './logging/log-sink';
import type { Metrics } from './metrics/metrics';

export interface AppDeps {
  db: Db;
  config: Config;
  /** Current time; tests pass a fixed clock. */
  clock: () => Date;
  /** Random bytes source for tokens and ids. */
  randomBytes: (n: number) => Buffer;
  /** Server secret from which invitation tokens are derived (see domain/invitation-tokens.ts). */
  secret: Buffer;
  /** The log (main.ts: text or JSON lines, redacted; tests collect the lines). */
  log: LogSink;
  /** Where background work registers what must finish on SIGTERM (main.ts owns it; tests may leave it out). */
  shutdown?: ShutdownRegistry;
  /** The outbox's sender worker, when mail is configured: told to look at once after a decision to send. */
  outbox?: { wake(): void; readonly sender: 'smtp' | 'notify' };
  /** Prometheus metrics, present when DSLKIT_METRICS=1 (createServer makes them). */
  metrics?: Metrics;
}
