// Test fixture: the few registry rows a respondent survey needs (LA, school, trial, allocation, DSLs, wave, invitations).
import type { Db } from '../../server/storage/db';
import { issueInvitations } from '../../server/storage/invitation-repo';

export interface SurveyFixtureOptions {
  trialId?: string;
  waveName?: 'baseline' | 'midpoint' | 'endline';
  instruments?: string[];
  opensAt?: string;
  closesAt?: string;
  /** How many DSLs (one school each) to invite. */
  dsls?: number;
  arm?: 'control' | 'intervention';
  at?: string;
  /** How many of the DSLs (the first ones) get an invitation; default all. */
  invite?: number;
}

export interface FixtureDsl { dslId: string; urn: number; invitationId: number; token: string }
export interface SurveyFixture {
  trialId: string; waveId: number; instruments: string[];
  /** The invited DSLs with their links' tokens. */
  dsls: FixtureDsl[];
  /** Every DSL created, invited or not. */
  allDsls: { dslId: string; urn: number }[];
}

/** Inserts a trial with schools allocated to one arm, their DSLs (with contacts), a wave and an invitation per DSL. */
export function seedSurveyFixture(db: Db, secret: Buffer, opts: SurveyFixtureOptions = {}): SurveyFixture {
  const trialId = opts.trialId ?? 'fixture';
  const at = opts.at ?? '2025-01-01T00:00:00.000Z';
  const instruments = opts.instruments ?? ['pss10@1'];
  const n = opts.dsls ?? 1;
  return db.transaction(() => {
    db.prepare("INSERT OR IGNORE INTO local_authorities (code, name) VALUES ('350', 'Bolton')").run();
    db.prepare('INSERT INTO trials (id, title, status, is_demo, created_at) VALUES (?, ?, ?, 1, ?)').run(trialId, `Fixture trial ${trialId}`, 'fieldwork', at);
    const randomisationId = Number(db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by)
      VALUES (?, 'fixture', '0', 1, 'none', '[]', ?, 'test')`).run(trialId, at).lastInsertRowid);
    const dslIds: string[] = [];
    const urns: number[] = [];
    for (let i = 0; i < n; i++) {
      const urn = 990000 + (trialId.length * 1000) + i;
      db.prepare("INSERT OR IGNORE INTO schools (urn, name, la_code, phase, is_synthetic) VALUES (?, ?, '350', 'Primary', 1)").run(urn, `Fixture Primary School ${i + 1}`);
      db.prepare("INSERT INTO trial_schools (trial_id, urn) VALUES (?, ?)").run(trialId, urn);
      db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES (?, ?, ?, 'all', 0.5, ?)").run(trialId, urn, randomisationId, opts.arm ?? 'intervention');
      const dslId = `dsl-${trialId}-${i + 1}`;
      db.prepare('INSERT INTO dsls (id, trial_id, urn, role, created_at) VALUES (?, ?, ?, ?, ?)').run(dslId, trialId, urn, 'deputy head', at);
      db.prepare('INSERT INTO dsl_contacts (dsl_id, name, email) VALUES (?, ?, ?)').run(dslId, `Fixture DSL ${i + 1}`, `dsl${i + 1}@school.example`);
      dslIds.push(dslId);
      urns.push(urn);
    }
    const waveId = Number(db.prepare('INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments) VALUES (?, ?, ?, ?, ?)')
      .run(trialId, opts.waveName ?? 'baseline', opts.opensAt ?? '2025-01-01T00:00:00.000Z', opts.closesAt ?? '2099-01-01T00:00:00.000Z', JSON.stringify(instruments)).lastInsertRowid);
    const issued = issueInvitations(db, secret, waveId, dslIds.slice(0, opts.invite ?? n), at);
    return { trialId, waveId, instruments, allDsls: dslIds.map((dslId, i) => ({ dslId, urn: urns[i] })), dsls: issued.map((inv, i) => ({ dslId: inv.dslId, urn: urns[i], invitationId: inv.invitationId, token: inv.token })) };
  })();
}

/** Row counts a test compares before and after a request that must store nothing. */
export function responseCounts(db: Db): { responses: number; snapshots: number; scores: number } {
  const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { responses: count('responses'), snapshots: count('response_snapshots'), scores: count('scores') };
}
