// Report speed: renders the arm-comparison and IPE reports from synthetic trials in SQLite (300 schools / 1,000 DSLs, target < 1 s; 2,400 schools, target a few seconds).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../server/storage/db';
import type { ReportKind } from '../reports/render';
import { renderReport } from '../server/reports/render-trial-report';
import { seededRandom } from './helpers/fixture';
import { loadReportSettings, saveReportSettings } from '../server/storage/report-data-repo';
import { parseSettings } from '../server/domain/report-inputs/parse';

const MEASURES = ['contacts_nfa', 'contacts', 'referrals', 'referrals_nfa', 'early_help', 'cin', 's47', 'looked_after', 'csa_contacts'];
const RATES = [0.012, 0.033, 0.02, 0.005, 0.07, 0.012, 0.006, 0.001, 0.002];

/** Builds a synthetic trial: schools, allocation in two FSM strata, DSLs, baseline and endline PSS-10/CBI scores, sessions, 24 months of admin counts. */
export function seedSyntheticTrial(db: Db, schools: number, dsls: number, seed = 11): string {
  const r = seededRandom(seed);
  const at = '2025-01-01T00:00:00Z';
  const trialId = `bench${schools}`;
  db.transaction(() => {
    db.prepare("INSERT OR IGNORE INTO local_authorities (code, name) VALUES ('B01', 'Bench Borough'), ('B02', 'Bench City')").run();
    db.prepare(`INSERT INTO trials (id, title, unit, strata, method, seed, status, sessions_intended, starts_on, ends_on, is_demo, created_at)
      VALUES (?, ?, 'school', '["fsm_block"]', 'stratified', 1, 'analysis', 3, '2024-09-01', '2025-07-31', 1, ?)`).run(trialId, `Benchmark trial, ${schools} schools`, at);
    const rid = Number(db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by)
      VALUES (?, 'stratified', 'bench/1', 1, ?, '["fsm_block"]', ?, 'bench')`).run(trialId, '0'.repeat(64), at).lastInsertRowid);
    const insSchool = db.prepare('INSERT INTO schools (urn, name, la_code, phase, type, pupils, fsm_percent, ofsted_rating, urban_rural, is_synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)');
    const insTs = db.prepare("INSERT INTO trial_schools (trial_id, urn, status) VALUES (?, ?, 'enrolled')");
    const insAlloc = db.prepare('INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES (?, ?, ?, ?, ?, ?)');
    const insOutcome = db.prepare('INSERT INTO admin_outcomes (urn, period, measure, count, imported_at) VALUES (?, ?, ?, ?, ?)');
    const base = schools * 1000 + 900000;
    const arms: string[] = [];
    for (let i = 0; i < schools; i++) {
      const urn = base + i;
      const pupils = 150 + Math.floor(r() * 400);
      const fsm = Math.round(r() * 600) / 10;
      const arm = i % 2 ? 'intervention' : 'control';
      arms.push(arm);
      insSchool.run(urn, `Bench school ${i}`, i % 3 ? 'B01' : 'B02', 'Primary', ['Community school', 'Academy converter', 'Voluntary aided'][i % 3], pupils, fsm,
        ['Outstanding', 'Good', 'Good', 'Requires improvement'][i % 4], ['Urban major conurbation', 'Urban city and town'][i % 2]);
      insTs.run(trialId, urn);
      insAlloc.run(trialId, urn, rid, fsm < 30 ? 'low' : 'high', r(), arm);
      for (let m = 0; m < 23; m++) {
        const period = `${2023 + Math.floor((m + 8) / 12)}-${String(((m + 8) % 12) + 1).padStart(2, '0')}`;
        MEASURES.forEach((measure, k) => {
          const expected = (pupils * RATES[k]) / 12;
          const count = Math.max(0, Math.round(expected + (r() - 0.5) * 2 * Math.sqrt(expected + 0.5)));
          if (count > 0 || k === 0) insOutcome.run(urn, period, measure, count, at);
        });
      }
    }
    const insWave = db.prepare('INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments) VALUES (?, ?, ?, ?, ?)');
    const baseline = Number(insWave.run(trialId, 'baseline', '2024-08-01T00:00:00Z', '2024-09-15T00:00:00Z', '["pss10@1","cbi@1"]').lastInsertRowid);
    const endline = Number(insWave.run(trialId, 'endline', '2025-06-01T00:00:00Z', '2025-07-15T00:00:00Z', '["pss10@1","cbi@1"]').lastInsertRowid);
    const insDsl = db.prepare("INSERT INTO dsls (id, trial_id, urn, role, status, created_at) VALUES (?, ?, ?, 'headteacher', 'active', ?)");
    const insInv = db.prepare('INSERT INTO invitations (wave_id, dsl_id, token_hash, created_at) VALUES (?, ?, ?, ?)');
    const insResp = db.prepare("INSERT INTO responses (invitation_id, dsl_id, wave_id, instruments, status, started_at, updated_at, submitted_at) VALUES (?, ?, ?, '[\"pss10@1\",\"cbi@1\"]', 'complete', ?, ?, ?)");
    const insScore = db.prepare('INSERT INTO scores (response_id, instrument, scale, value, computed_at) VALUES (?, ?, ?, ?, ?)');
    const insSession = db.prepare("INSERT INTO supervision_sessions (trial_id, kind, mode, format, held_on, duration_minutes, created_at) VALUES (?, ?, ?, 'individual', ?, ?, ?)");
    const insAtt = db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
    for (let d = 0; d < dsls; d++) {
      const school = d < schools ? d : Math.floor(r() * schools);
      const urn = base + school;
      const id = `dsl-b${schools}-${d}`;
      insDsl.run(id, trialId, urn, at);
      const stress = 14 + r() * 10;
      for (const [wave, shift] of [[baseline, 0], [endline, arms[school] === 'intervention' ? -0.8 : 0]] as const) {
        const inv = Number(insInv.run(wave, id, `${trialId}-${wave}-${d}`, at).lastInsertRowid);
        if (r() < 0.15) continue; // non-response
        const resp = Number(insResp.run(inv, id, wave, at, at, at).lastInsertRowid);
        insScore.run(resp, 'pss10@1', 'total', Math.round(stress + shift + (r() - 0.5) * 6), at);
        insScore.run(resp, 'cbi@1', 'personal', Math.round((40 + r() * 30 + shift * 2) * 10) / 10, at);
        insScore.run(resp, 'cbi@1', 'work', Math.round((35 + r() * 30 + shift * 2) * 10) / 10, at);
      }
      if (arms[school] === 'intervention' && d < schools) {
        const formal = Math.floor(r() * 4);
        const dates = ['2024-10-01', '2024-11-05', '2024-12-10', '2025-01-28'];
        for (let k = 0; k <= formal; k++) {
          const sid = Number(insSession.run(trialId, k === 0 ? 'introduction' : 'formal', 'face_to_face', dates[k], 120, at).lastInsertRowid);
          insAtt.run(sid, id, urn);
        }
        if (r() < 0.3) insAtt.run(Number(insSession.run(trialId, 'adhoc', r() < 0.5 ? 'phone' : 'email', '2024-11-20', 15, at).lastInsertRowid), id, urn);
      }
    }
  })();
  return trialId;
}

async function timeReport(db: Db, trialId: string, kind: ReportKind): Promise<number> {
  const clock = () => new Date('2025-09-01T00:00:00Z');
  const t0 = performance.now();
  const html = await renderReport(db, { trialId, kind, clock });
  const ms = performance.now() - t0;
  if (!html.includes('</html>')) throw new Error(`${kind} report incomplete`);
  return ms;
}

/**
 * Times both reports for a 300-school / 1,000-DSL trial and a 2,400-school / 2,600-DSL trial: the best of 3 renders
 * after a warm-up (the machine is shared, so the best run is the least disturbed one), and the first render of each
 * trial (its first SQL reads; chart shapes are already compiled by the warm-up, as in a running server).
 */
export async function benchReports(): Promise<{ label: string; ms: number }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-report-bench-'));
  const out: { label: string; ms: number }[] = [];
  try {
    const db = openDatabase(path.join(dir, 'bench.db'));
    const small = seedSyntheticTrial(db, 300, 1000);
    const large = seedSyntheticTrial(db, 2400, 2600, 12);
    // Warm-up: module loading, template compilation, JIT (the site renders many reports in one process).
    for (const kind of ['arm-comparison', 'ipe'] as const) await timeReport(db, small, kind);
    for (const [trial, label] of [[small, '300 schools, 1,000 DSLs (target < 1 s)'], [large, '2,400 schools, 2,600 DSLs (target a few s)']] as const) {
      for (const kind of ['arm-comparison', 'ipe'] as const) {
        const runs = [await timeReport(db, trial, kind), await timeReport(db, trial, kind), await timeReport(db, trial, kind)];
        if (process.env.BENCH_VERBOSE) process.stderr.write(`${kind} ${trial}: ${runs.map((r) => r.toFixed(0)).join(", ")} ms\n`);
        out.push({ label: `${kind} report, ${label}, best of 3`, ms: Math.round(Math.min(...runs)) });
        out.push({ label: `${kind} report, ${label}, first render`, ms: Math.round(runs[0]) });
      }
    }
    // Randomisation inference on (issue 15): 12 outcomes x 10,000 re-randomisations, 2,000 bootstrap resamples, CACE.
    // The first render runs them all; a render of unchanged data reuses the results (reports/view-models/inference.ts).
    saveReportSettings(db, small, parseSettings({ permutation: 'on', permutationDraws: '10000', permutationSeed: '7', bootstrap: 'on', bootstrapDraws: '2000', bootstrapSeed: '8', cace: 'on', caceThreshold: '2' }, loadReportSettings(db, small)), '2025-09-01T00:00:00Z');
    const first = await timeReport(db, small, 'arm-comparison');
    const cached = [await timeReport(db, small, 'arm-comparison'), await timeReport(db, small, 'arm-comparison'), await timeReport(db, small, 'arm-comparison')];
    const inference = 'permutation test (10,000 re-runs), bootstrap (2,000) and CACE on, 12 outcomes';
    out.push({ label: `arm-comparison report, 300 schools, ${inference}, first render`, ms: Math.round(first) });
    out.push({ label: `arm-comparison report, 300 schools, ${inference}, unchanged data again (results cached, target < 1 s), best of 3`, ms: Math.round(Math.min(...cached)) });
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchReports()) process.stdout.write(`${r.label}: ${r.ms} ms\n`);
}
