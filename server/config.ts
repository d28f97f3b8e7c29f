// The only reader of process.env: validates every setting once at boot and explains a bad value in one sentence.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { secretFileFor } from './storage/secret-file';

/** Raised when a setting is present but unusable; main.ts prints the message and exits 1. */
export class ConfigError extends Error {}

export interface Config {
  /** NODE_ENV: "production" runs the prebuilt code read-only, needs DSLKIT_DB and an existing secret file, and seeds no demo unless asked. Anything else is development. */
  production: boolean;
  /** PORT: TCP port the site listens on (0 picks a free one; tests use that). Default 3000. */
  port: number;
  /** HOST: interface to bind. Default 127.0.0.1 (loopback); set 0.0.0.0 behind a reverse proxy. */
  host: string;
  /** DSLKIT_DB: path of the SQLite file. Default ./data/dslkit.db. */
  dbPath: string;
  /** DSLKIT_SECRET_FILE: file holding the server secret used to derive invitation tokens. Default beside the db. */
  secretFile: string;
  /** DSLKIT_PUBLIC_URL: base of links in invitation mail merges. Default http://localhost:<port>. */
  publicUrl: string;
  /** DSLKIT_SEED_DEMO: "1" seeds the demo trial on an empty database at start, "0" never. Default "1" in development, "0" in production. */
  seedDemo: boolean;
  /** DSLKIT_TRUST_PROXY: "1" behind a TLS-terminating proxy on this machine (Secure cookies, HSTS, client address from X-Forwarded-For sent from 127.0.0.1 or ::1 only); or the proxy's addresses, comma-separated (e.g. "10.0.0.5"), when it runs elsewhere. Default "0". */
  trustProxy: boolean;
  /** The addresses whose X-Forwarded-For is believed (from DSLKIT_TRUST_PROXY); empty when not behind a proxy. */
  proxyAddresses: string[];
  /** DSLKIT_LOG: "info" (default), "quiet" (no request log) . */
  logLevel: 'info' | 'quiet';
  /** DSLKIT_LOG_FORMAT: "text" (default) one timestamped line per event, or "json" one JSON object per line (pino), redacted alike. */
  logFormat: 'text' | 'json';
  /** DSLKIT_METRICS: "1" serves Prometheus metrics at /metrics (to this machine directly, or with DSLKIT_METRICS_TOKEN). Default "0": nothing collected. */
  metrics: boolean;
  /** DSLKIT_METRICS_TOKEN: a bearer token (at least 24 characters) that lets a scraper on another machine read /metrics. Default none. */
  metricsToken: string | undefined;
  /** DSLKIT_CHROMIUM: the Chromium executable `dslkit report --pdf` prints with. Default /usr/bin/chromium (Debian's package). */
  chromiumPath: string;
  /** How the outbox sends mail: DSLKIT_SMTP_URL or DSLKIT_NOTIFY_KEY (one of them), else none (links CSV only). */
  mail: MailConfig;
}

export type MailConfig =
  | { kind: 'none'; ratePerSecond: number }
  /** DSLKIT_SMTP_URL (smtp://user:pass@host:587, STARTTLS when offered; smtps:// for 465) and DSLKIT_MAIL_FROM. */
  | { kind: 'smtp'; url: string; from: string; ratePerSecond: number }
  /** DSLKIT_NOTIFY_KEY, DSLKIT_NOTIFY_TEMPLATES ({"invitation":"<id>","reminder":"<id>","thank_you":"<id>"}), DSLKIT_NOTIFY_URL (a stand-in's base URL, tests only). */
  | { kind: 'notify'; apiKey: string; templates: Partial<Record<'invitation' | 'reminder' | 'thank_you', string>>; baseUrl?: string; ratePerSecond: number };

const portSchema = z.coerce.number().int().min(0).max(65535);
const flagSchema = z.enum(['0', '1']);
/** "0": no proxy; "1": a proxy on this machine (loopback); else a comma-separated list of IP addresses or CIDR ranges. */
const proxySchema = z.string().transform((raw, ctx) => {
  if (raw === '0') return [];
  if (raw === '1') return ['127.0.0.1', '::1'];
  const list = raw.split(',').map((a) => a.trim());
  for (const a of list) {
    const [address, bits, ...rest] = a.split('/');
    const family = isIP(address);
    if (!family || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)))) { ctx.addIssue({ code: 'custom', message: a }); return z.NEVER; }
  }
  return list;
});

function readSetting<T>(env: NodeJS.ProcessEnv, key: string, schema: z.ZodType<T>, fallback: string, explain: string): T {
  const raw = env[key] ?? fallback;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${key}=${JSON.stringify(raw)} is not valid: ${explain}.`);
  return parsed.data;
}

/** Reads and validates the configuration; throws ConfigError naming the bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = readSetting(env, 'PORT', portSchema, '3000', 'PORT must be a whole number from 0 to 65535');
  const host = readSetting(env, 'HOST', z.string().min(1), '127.0.0.1', 'HOST must name an interface');
  const production = env.NODE_ENV === 'production';
  if (production && !env.DSLKIT_DB) throw new ConfigError('NODE_ENV=production needs DSLKIT_DB: set it to the database file\'s path outside the code folder (for example /var/lib/dslkit/dslkit.db).');
  const dbPath = path.resolve(readSetting(env, 'DSLKIT_DB', z.string().min(1), './data/dslkit.db', 'DSLKIT_DB must be a file path'));
  const secretFile = secretFileFor(dbPath, env);
  const publicUrl = readSetting(
    env, 'DSLKIT_PUBLIC_URL', z.url().transform((u) => u.replace(/\/$/, '')), `http://localhost:${port || 3000}`,
    'DSLKIT_PUBLIC_URL must be an absolute http(s) URL such as https://surveys.example.org',
  );
  const seedDemo = readSetting(env, 'DSLKIT_SEED_DEMO', flagSchema, production ? '0' : '1', 'DSLKIT_SEED_DEMO must be 0 or 1') === '1';
  const proxyAddresses = readSetting(env, 'DSLKIT_TRUST_PROXY', proxySchema, '0', 'DSLKIT_TRUST_PROXY must be 0, 1 (a proxy on this machine) or the proxy\'s IP addresses separated by commas');
  const trustProxy = proxyAddresses.length > 0;
  const logLevel = readSetting(env, 'DSLKIT_LOG', z.enum(['info', 'quiet']), 'info', 'DSLKIT_LOG must be info or quiet');
  const logFormat = readSetting(env, 'DSLKIT_LOG_FORMAT', z.enum(['text', 'json']), 'text', 'DSLKIT_LOG_FORMAT must be text or json');
  const metrics = readSetting(env, 'DSLKIT_METRICS', flagSchema, '0', 'DSLKIT_METRICS must be 0 or 1') === '1';
  const metricsToken = env.DSLKIT_METRICS_TOKEN === undefined ? undefined
    : readSetting(env, 'DSLKIT_METRICS_TOKEN', z.string().min(24).regex(/^[\x21-\x7e]+$/), '', 'DSLKIT_METRICS_TOKEN must be at least 24 printable characters without spaces (openssl rand -hex 32 makes one)');
  const chromiumPath = readSetting(env, 'DSLKIT_CHROMIUM', z.string().min(1), '/usr/bin/chromium', 'DSLKIT_CHROMIUM must be the path of a Chromium executable');
  return { production, port, host, dbPath, secretFile, publicUrl, seedDemo, trustProxy, proxyAddresses, logLevel, logFormat, metrics, metricsToken, chromiumPath, mail: readMailConfig(env) };
}

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** DSLKIT_SMTP_URL or DSLKIT_NOTIFY_KEY (with its templates), and DSLKIT_MAIL_RATE (messages a second, default 5). */
function readMailConfig(env: NodeJS.ProcessEnv): MailConfig {
  const ratePerSecond = readSetting(env, 'DSLKIT_MAIL_RATE', z.coerce.number().positive().max(100), '5', 'DSLKIT_MAIL_RATE must be a number of messages a second from 0.01 to 100');
  const smtp = env.DSLKIT_SMTP_URL;
  const notify = env.DSLKIT_NOTIFY_KEY;
  if (smtp && notify) throw new ConfigError('DSLKIT_SMTP_URL and DSLKIT_NOTIFY_KEY are both set: set only the one dslkit should send mail with.');
  if (smtp) {
    const url = readSetting(env, 'DSLKIT_SMTP_URL', z.url().refine((u) => /^smtps?:\/\//.test(u)), '', 'DSLKIT_SMTP_URL must look like smtp://user:password@mail.example.org:587 (or smtps:// for port 465)');
    const from = readSetting(env, 'DSLKIT_MAIL_FROM', z.string().regex(/^[^\r\n]*@[^\r\n]+$/), '', 'DSLKIT_MAIL_FROM must be the From address, e.g. "DSL study <dsl-study@example.org>"');
    return { kind: 'smtp', url, from, ratePerSecond };
  }
  if (notify) {
    const apiKey = readSetting(env, 'DSLKIT_NOTIFY_KEY', z.string().regex(/[0-9a-f-]{73}$/i), '', 'DSLKIT_NOTIFY_KEY must be a GOV.UK Notify API key (name-serviceid-secret)');
    const templates = readSetting(env, 'DSLKIT_NOTIFY_TEMPLATES',
      z.string().transform((s, ctx) => { try { return JSON.parse(s) as unknown; } catch { ctx.addIssue({ code: 'custom', message: 'not JSON' }); return z.NEVER; } })
        .pipe(z.object({ invitation: uuid, reminder: uuid, thank_you: uuid.optional() }).strict()),
      '', 'DSLKIT_NOTIFY_TEMPLATES must be JSON naming the Notify template id of each message, e.g. {"invitation":"<id>","reminder":"<id>","thank_you":"<id>"}');
    const baseUrl = env.DSLKIT_NOTIFY_URL ? readSetting(env, 'DSLKIT_NOTIFY_URL', z.url(), '', 'DSLKIT_NOTIFY_URL must be an http(s) URL') : undefined;
    return { kind: 'notify', apiKey, templates, ...(baseUrl ? { baseUrl } : {}), ratePerSecond };
  }
  return { kind: 'none', ratePerSecond };
}
