// Builds a throwaway database for load, crash and backup runs: one synthetic trial with N schools, N DSLs, an open wave and N invitation tokens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/storage/db';
import { issueInvitations } from '../../server/storage/invitation-repo';
import { getRegistry, type InstrumentDef } from '../../instruments/registry';
import { seedDemo } from '../../server/domain/demo/seed-demo';
import { listLocalAuthoritiesTakingPart } from '../../server/storage/dashboard-repo';
import { publishDashboard } from '../../server/http/dashboards/dashboard-service';

/** A realistic baseline: every DSL instrument that needs no licensed text (37 items over several pages). */
export const benchInstruments = ['ons4@1', 'pss10@1', 'cbi@1', 'dsl-confidence@1'];

export interface SurveyFixture {
  dir: string;
  dbFile: string;
  secretFile: string;
  secret: Buffer;
  trialId: string;
  waveId: number;
  instruments: string[];
  /** One invitation token per DSL, in DSL order. */
  tokens: string[];
  /** Removes the folder and everything in it. */
  cleanup: () => void;
}

export interface FixtureOptions {
  invitations: number;
  /** Folder to create the files in (default: a new temp folder). */
  dir?: string;
  /** Seeds the synthetic demo trial first and publishes its LAs' dashboards (for the dashboard load run). */
  withDemo?: boolean;
  clock?: () => Date;
  instruments?: string[];
}

/** Synthetic local authority for bench schools (999 is not a DfE LA code). */
const benchLa = { code: '999', name: 'Benchmark LA (synthetic)' };

function insertRegistry(db: Db, n: number, trialId: string, now: Date, instruments: string[]): { waveId: number; dslIds: string[] } {
  const at = now.toISOString();
  const day = 86_400_000;
  return db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO local_authorities (code, name) VALUES (?, ?)').run(benchLa.code, benchLa.name);
    db.prepare(`INSERT INTO trials (id, title, status, method, seed, is_demo, created_at) VALUES (?, ?, 'fieldwork', 'simple', 1, 1, ?)`)
      .run(trialId, 'Benchmark trial (synthetic)', at);
    const rand = db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by)
      VALUES (?, 'simple', 'bench', 1, ?, '[]', ?, 'bench')`).run(trialId, crypto.createHash('sha256').update(trialId).digest('hex'), at);
    const school = db.prepare('INSERT INTO schools (urn, name, la_code, phase, pupils, is_synthetic) VALUES (?, ?, ?, ?, ?, 1)');
    const enrol = db.prepare("INSERT INTO trial_schools (trial_id, urn, status) VALUES (?, ?, 'enrolled')");
    const allocate = db.prepare('INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES (?, ?, ?, ?, ?, ?)');
    const dsl = db.prepare("INSERT INTO dsls (id, trial_id, urn, role, status, created_at) VALUES (?, ?, ?, 'deputy head', 'active', ?)");
    const contact = db.prepare('INSERT INTO dsl_contacts (dsl_id, name, email) VALUES (?, ?, ?)');
    const dslIds: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const urn = 900_000 + i; // synthetic URNs, clear of the demo trial's
      school.run(urn, `Bench School ${i + 1}`, benchLa.code, i % 3 === 0 ? 'Secondary' : 'Primary', 200 + (i % 700));
      enrol.run(trialId, urn);
      allocate.run(trialId, urn, rand.lastInsertRowid, 'all', (i * 0.6180339887) % 1, i % 2 === 0 ? 'control' : 'intervention');
      const id = `dsl-bench-${String(i).padStart(6, '0')}`;
      dsl.run(id, trialId, urn, at);
      contact.run(id, `Bench DSL ${i + 1}`, `dsl${i + 1}@bench.invalid`);
      dslIds.push(id);
    }
    const wave = db.prepare('INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments) VALUES (?, ?, ?, ?, ?)')
      .run(trialId, 'baseline', new Date(now.getTime() - day).toISOString(), new Date(now.getTime() + 30 * day).toISOString(), JSON.stringify(instruments));
    return { waveId: Number(wave.lastInsertRowid), dslIds };
  })();
}

/** Creates the fixture database and secret file; the server started on them accepts every token in `tokens`. */
export async function createSurveyFixture(opts: FixtureOptions): Promise<SurveyFixture> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-bench-'));
  fs.mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'bench.db');
  const secretFile = path.join(dir, 'secret.key');
  const secret = crypto.randomBytes(32);
  fs.writeFileSync(secretFile, secret.toString('hex') + '\n', { mode: 0o600 });
  const clock = opts.clock ?? (() => new Date());
  const instruments = opts.instruments ?? benchInstruments;
  const db = openDatabase(dbFile);
  try {
    if (opts.withDemo) await seedDemoWithDashboards(db, clock, secret);
    const trialId = 'bench';
    const { waveId, dslIds } = insertRegistry(db, opts.invitations, trialId, clock(), instruments);
    const tokens = issueInvitations(db, secret, waveId, dslIds, clock().toISOString()).map((i) => i.token);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { dir, dbFile, secretFile, secret, trialId, waveId, instruments, tokens, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } finally {
    db.close();
  }
}

/** Seeds the synthetic demo trial and publishes every taking-part LA's dashboard, so /dashboards/<la> pages have content. Returns the LA codes published. */
export async function seedDemoWithDashboards(db: Db, clock: () => Date, secret: Buffer): Promise<string[]> {
  seedDemo(db, { clock, secret });
  const codes = listLocalAuthoritiesTakingPart(db).map((la) => la.code);
  for (const code of codes) await publishDashboard(db, code, 'bench', clock());
  return codes;
}

/** A small deterministic generator (mulberry32) so answer sets differ per respondent but runs repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A complete, valid answer set for the instruments: every item answered with one of its allowed values. */
export function completeAnswers(keys: string[], rand: () => number): Record<string, unknown> {
  const registry = getRegistry();
  const answers: Record<string, unknown> = {};
  for (const def of keys.map((k) => registry.get(k))) {
    for (const item of def.items) answers[item.id] = answerFor(item, rand);
  }
  return answers;
}

function answerFor(item: InstrumentDef['items'][number], rand: () => number): unknown {
  switch (item.kind) {
    case 'choice': { const v = item.values ?? []; return v[Math.floor(rand() * v.length)]; }
    case 'number': return Math.round((item.min ?? 0) + rand() * ((item.max ?? (item.min ?? 0) + 10) - (item.min ?? 0)));
    case 'boolean': return rand() < 0.5;
    case 'date': return '2026-01-15';
    case 'text': return 'synthetic answer'.slice(0, item.maxLength ?? 16);
  }
}

/** The scales a complete response to these instruments stores (one scores row each). */
export function scaleCount(keys: string[]): number {
  const registry = getRegistry();
  return keys.reduce((n, k) => n + registry.get(k).scales.length, 0);
}
