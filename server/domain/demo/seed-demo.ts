// Builds the synthetic demo from seeded code: trial "demo" (94 Demo Primary Schools, FSM-median allocation, DSLs, waves, answers, supervision, LA outcomes, IPE forms and costs), programme "demo-programme" and the demo staff accounts.
import type { Db } from '../../storage/db';
import { getRegistry } from '../../../instruments/registry';
import { OUTCOME_MEASURES, type OutcomeMeasure } from '../imports/outcomes';
import { newDslId } from '../imports/dsls';
import type { SchoolRecord } from '../imports/schools';
import { createTrial } from '../../storage/trial-repo';
import { enrolSchools, upsertSchools } from '../../storage/school-repo';
import { recordSchoolStatus } from '../../storage/school-status-repo';
import { insertDsl, listDsls } from '../../storage/dsl-repo';
import { randomiseTrial, listAllocations } from '../../storage/allocation-repo';
import { createWave } from '../../storage/wave-repo';
import { upsertOutcomes } from '../../storage/outcome-repo';
import { issueInvitations } from '../../storage/invitation-repo';
import { insertCompleteResponse } from '../../storage/response-repo';
import { appendAudit } from '../../storage/audit-repo';
import { DEMO_URN_FIRST, countTrials, deleteDemoTrial, insertSupervisionSession, setDemoStatus } from '../../storage/demo-repo';
import { assignSchools } from '../../storage/user-repo';
import { DemoRandom } from './demo-random';
import { seedDemoAccounts, type DemoAccount } from './demo-accounts';
import { seedDemoForms } from './demo-forms';
import { seedDemoSessionForms } from './demo-session-forms';
import { DEMO_PROGRAMME_ID, seedDemoProgramme } from './demo-programme';
import { demoAnswers, type DemoPerson } from './demo-answers';

export const DEMO_TRIAL_ID = 'demo';
export const DEMO_TITLE = 'DEMO — synthetic data';
export const DEMO_LA = { code: 'D01', name: 'Demo Borough' } as const;
export const DEMO_SEED = 20240901;
export const DEMO_SCHOOLS = 94;
export const DEMO_INSTRUMENTS = ['pss10', 'cbi', 'ons4', 'dsl-confidence', 'csa-identification'] as const;

export interface DemoOptions {
  clock: () => Date; secret: Buffer; seed?: number;
  /** Where the demo accounts' passwords and salts come from (default crypto.randomBytes); never the seeded generator. */
  randomBytes?: (n: number) => Buffer;
}

/** What a seeding made that is not in the database in clear: the demo staff accounts with their one-time passwords. */
export interface DemoSeedResult { accounts: DemoAccount[] }

/**
 * Annual rates per pupil used for the synthetic LA outcomes: the control-group means of the Bolton
 * report (seed 002, Tables 3-4: contacts 0.0331, referrals 0.0208, contacts leading to NFA 0.0123,
 * referrals leading to NFA 0.0045, Early Help 0.0672, CIN 0.0146, s47 0.0067, looked after 0.0007);
 * CSA-related contacts (not in that report) are an assumed 0.002. contacts = contacts_nfa + referrals.
 */
export const DEMO_ANNUAL_RATES: Record<Exclude<OutcomeMeasure, 'contacts' | 'referrals_nfa'>, number> = {
  contacts_nfa: 0.0123, referrals: 0.0208, early_help: 0.0672, cin: 0.0146, s47: 0.0067, looked_after: 0.0007, csa_contacts: 0.002,
};
/** Share of referrals that lead to no further action (0.0045 / 0.0208, Bolton report). */
const REFERRAL_NFA_SHARE = 0.0045 / 0.0208;
/** Month-of-year intensity (school holidays in August, a quieter April and December). */
const SEASON: Record<number, number> = { 1: 1.05, 2: 1.0, 3: 1.15, 4: 0.8, 5: 1.1, 6: 1.1, 7: 0.95, 8: 0.35, 9: 1.05, 10: 1.15, 11: 1.2, 12: 0.8 };

const iso = (d: Date) => d.toISOString();
const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86400000);
const month = (y: number, m: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;

/**
 * The demo's timeline, from the clock: the intervention ran over the most recent complete school year
 * (1 September to 31 August), the previous school year is the outcomes baseline, the baseline wave
 * closed two weeks into the school year, and the endline wave opened 10 days ago and is open for 30 more.
 */
export function demoTimeline(now: Date) {
  const y = now.getUTCFullYear();
  const startYear = now.getUTCMonth() + 1 >= 9 ? y - 1 : y - 2;
  const startsOn = new Date(Date.UTC(startYear, 8, 1));
  const endsOn = new Date(Date.UTC(startYear + 1, 7, 31));
  return {
    startsOn, endsOn, startYear,
    randomisedAt: addDays(startsOn, -10),
    baselineOpens: addDays(startsOn, -24), baselineCloses: addDays(startsOn, 14),
    endlineOpens: addDays(now, -10), endlineCloses: addDays(now, 30),
  };
}

function demoSchools(rng: DemoRandom): SchoolRecord[] {
  return Array.from({ length: DEMO_SCHOOLS }, (_, i) => {
    const fsm = Math.round(Math.min(75, Math.max(2, Math.exp(rng.normal(Math.log(22), 0.6)))) * 10) / 10;
    return {
      urn: DEMO_URN_FIRST + i, name: `Demo Primary School ${String(i + 1).padStart(2, '0')}`, laCode: DEMO_LA.code, laName: DEMO_LA.name,
      type: rng.weighted([['Community school', 0.45], ['Voluntary aided school', 0.2], ['Academy converter', 0.2], ['Academy sponsor led', 0.1], ['Foundation school', 0.05]] as const),
      phase: 'Primary', pupils: Math.round(Math.min(700, Math.max(60, rng.normal(290, 110)))), fsmPercent: fsm,
      urbanRural: rng.weighted([['(England/Wales) Urban city and town', 0.55], ['(England/Wales) Urban major conurbation', 0.35], ['(England/Wales) Rural town and fringe', 0.1]] as const),
      ofstedRating: rng.weighted([['Outstanding', 0.15], ['Good', 0.7], ['Requires improvement', 0.12], ['', 0.03]] as const) || null,
    };
  });
}

/**
 * Seeds the demo trial, the demo programme and the demo accounts into a database that has neither demo. Every
 * table is deterministic for a given seed, clock and secret except the accounts' password hashes (random on purpose).
 */
export function seedDemo(db: Db, opts: DemoOptions): DemoSeedResult {
  const seed = opts.seed ?? DEMO_SEED;
  const now = opts.clock();
  const at = iso(now);
  const rng = new DemoRandom(seed);
  const tl = demoTimeline(now);
  const registry = getRegistry();
  const instruments = DEMO_INSTRUMENTS.map((id) => registry.get(id).key);

  return db.transaction((): DemoSeedResult => {
    createTrial(db, {
      id: DEMO_TRIAL_ID, title: DEMO_TITLE, kind: 'trial', unit: 'school', sessionsIntended: 3, isDemo: true, createdAt: iso(addDays(tl.startsOn, -60)),
      startsOn: day(tl.startsOn), endsOn: day(tl.endsOn), retentionUntil: day(new Date(Date.UTC(tl.startYear + 3, 7, 31))),
    });
    const schools = demoSchools(rng);
    upsertSchools(db, schools, { synthetic: true });
    enrolSchools(db, DEMO_TRIAL_ID, schools.map((s) => s.urn));
    randomiseTrial(db, DEMO_TRIAL_ID, { seed, method: 'niesr-fsm-median' }, { actor: 'system:demo', at: iso(tl.randomisedAt) });
    setDemoStatus(db, DEMO_TRIAL_ID, 'fieldwork');
    const arm = new Map(listAllocations(db, DEMO_TRIAL_ID).map((a) => [a.urn, a.arm]));

    // DSLs: one per school, a second at about a quarter of schools.
    let n = 0;
    for (const s of schools) {
      const count = rng.chance(0.25) ? 2 : 1;
      for (let k = 0; k < count; k += 1) {
        n += 1;
        const role = k === 0 ? rng.weighted([['headteacher', 0.35], ['deputy headteacher', 0.4], ['assistant headteacher', 0.1], ['pastoral manager', 0.15]] as const)
          : rng.weighted([['pastoral manager', 0.5], ['senco', 0.3], ['teacher', 0.2]] as const);
        insertDsl(db, { id: newDslId((b) => rng.bytes(b)), trialId: DEMO_TRIAL_ID, urn: s.urn, role, name: `Demo DSL ${n}`, email: `dsl${n}@demo.invalid`, createdAt: iso(addDays(tl.startsOn, -30)) });
      }
    }
    // listDsls orders by URN then id: stable for a given seed.
    const dsls = listDsls(db, DEMO_TRIAL_ID);
    const people = new Map<string, DemoPerson>(dsls.map((d) => [d.id, { stress: rng.normal(), confidence: rng.normal() }]));

    // Baseline wave: closed, about 85% of DSLs answered in full.
    const baseline = createWave(db, { trialId: DEMO_TRIAL_ID, name: 'baseline', opensAt: iso(tl.baselineOpens), closesAt: iso(tl.baselineCloses), instruments });
    const baseInvites = issueInvitations(db, opts.secret, baseline.id, dsls.map((d) => d.id), iso(tl.baselineOpens));
    const defs = instruments.map((k) => registry.get(k));
    for (const inv of baseInvites) {
      if (!rng.chance(0.85)) continue;
      const person = people.get(inv.dslId)!;
      const answers = Object.assign({}, ...defs.map((d) => demoAnswers(d, person, rng))) as Record<string, unknown>;
      const answeredAt = iso(new Date(tl.baselineOpens.getTime() + Math.floor(rng.uniform() * (tl.baselineCloses.getTime() - tl.baselineOpens.getTime() - 3600000))));
      insertCompleteResponse(db, { invitationId: inv.invitationId, dslId: inv.dslId, waveId: baseline.id, instruments, answers, at: answeredAt });
    }
    // Endline wave: open now, invitations issued, nobody has answered yet.
    const endline = createWave(db, { trialId: DEMO_TRIAL_ID, name: 'endline', opensAt: iso(tl.endlineOpens), closesAt: iso(tl.endlineCloses), instruments });
    issueInvitations(db, opts.secret, endline.id, dsls.filter((d) => d.status === 'active').map((d) => d.id), iso(tl.endlineOpens));

    const accounts = seedDemoAccounts(db, DEMO_LA.code, at, opts.randomBytes);
    const interventionUrns = schools.filter((s) => arm.get(s.urn) === 'intervention').map((s) => s.urn);
    assignSchools(db, accounts.supervisor.id, DEMO_TRIAL_ID, interventionUrns, { actor: 'system:demo', at: iso(tl.randomisedAt) });
    const noSessions = seedSessions(db, rng, interventionUrns, dsls, tl, at, accounts.supervisor.id);
    seedStatuses(db, noSessions, tl, at);
    seedOutcomes(db, rng, schools, tl.startYear, at);
    // Later additions draw from their own streams, so the trial above stays as it was before they existed.
    seedDemoForms(db, new DemoRandom(seed + 1), { trialId: DEMO_TRIAL_ID, supervisorUserId: accounts.supervisor.id, formsAt: iso(addDays(tl.endsOn, -40)), at, secret: opts.secret });
    seedDemoProgramme(db, new DemoRandom(seed + 2), { la: DEMO_LA, startsOn: tl.startsOn, endsOn: tl.endsOn, startYear: tl.startYear, supervisorUserId: accounts.supervisor.id, secret: opts.secret, at });
    seedDemoSessionForms(db, new DemoRandom(seed + 3), { trialId: DEMO_TRIAL_ID, secret: opts.secret, at });
    appendAudit(db, { at, actor: 'system:demo', action: 'demo.seed', trialId: DEMO_TRIAL_ID, detail: { seed, schools: schools.length, dsls: dsls.length, programme: DEMO_PROGRAMME_ID, accounts: accounts.printable.map((a) => a.email) } });
    return { accounts: accounts.printable };
  })();
}

/**
 * Supervision for the intervention schools, shaped like the Bolton report's Table 5: of 47 schools, 2
 * declined or have no attendance record, 13 had the introduction only, 6 one formal session, 8 two and
 * 18 three (scaled if the arm is another size). Formal sessions come every 4-6 weeks after the
 * introduction, mostly face to face; some schools also had ad-hoc phone or email support; one formal
 * session is held as a group with the DSLs of two schools.
 */
function seedSessions(db: Db, rng: DemoRandom, urns: number[], dsls: ReturnType<typeof listDsls>, tl: ReturnType<typeof demoTimeline>, at: string, supervisorUserId: number): number[] {
  const shape: Array<[number | null, number]> = [[null, 2], [0, 13], [1, 6], [2, 8], [3, 18]];
  const total = shape.reduce((s, [, k]) => s + k, 0);
  const plan: Array<number | null> = [];
  for (const [formal, k] of shape) for (let i = 0; i < Math.round((k * urns.length) / total); i += 1) plan.push(formal);
  while (plan.length < urns.length) plan.push(3);
  plan.length = urns.length;
  const assigned = rng.shuffle(plan);
  const byUrn = new Map<number, typeof dsls>();
  for (const d of dsls) byUrn.set(d.urn, [...(byUrn.get(d.urn) ?? []), d]);
  const attendees = (urn: number, all: boolean) => (byUrn.get(urn) ?? []).slice(0, all ? undefined : 1).map((d) => ({ dslId: d.id, urn }));
  const groupPair = urns.filter((_, i) => (assigned[i] ?? 0) >= 2).slice(0, 2);
  let groupDone = false;
  const none: number[] = [];
  urns.forEach((urn, i) => {
    const formal = assigned[i];
    if (formal === null) { none.push(urn); return; }
    let date = addDays(tl.startsOn, 14 + rng.int(0, 28));
    insertSupervisionSession(db, { trialId: DEMO_TRIAL_ID, kind: 'introduction', mode: 'face_to_face', format: 'individual', heldOn: day(date), durationMinutes: 5 * rng.int(12, 18), createdAt: at, supervisorUserId, attendees: attendees(urn, true) });
    for (let k = 1; k <= formal; k += 1) {
      date = addDays(date, 7 * rng.int(4, 6) + rng.int(0, 4));
      if (k === 2 && groupPair.includes(urn)) {
        if (groupDone) continue; // held once for both schools
        groupDone = true;
        insertSupervisionSession(db, { trialId: DEMO_TRIAL_ID, kind: 'formal', mode: 'face_to_face', format: 'group', heldOn: day(date), durationMinutes: 90, createdAt: at, supervisorUserId, attendees: groupPair.flatMap((u) => attendees(u, false)) });
        continue;
      }
      const mode = rng.weighted([['face_to_face', 0.8], ['online', 0.2]] as const);
      insertSupervisionSession(db, { trialId: DEMO_TRIAL_ID, kind: 'formal', mode, format: 'individual', heldOn: day(date), durationMinutes: 5 * rng.int(9, 24), createdAt: at, supervisorUserId, attendees: attendees(urn, false) });
    }
    if (rng.chance(0.3)) {
      for (let k = rng.int(1, 2); k > 0; k -= 1) {
        const mode = rng.weighted([['phone', 0.6], ['email', 0.4]] as const);
        insertSupervisionSession(db, { trialId: DEMO_TRIAL_ID, kind: 'adhoc', mode, format: 'individual', heldOn: day(addDays(tl.startsOn, rng.int(20, 300))),
          durationMinutes: mode === 'email' ? 5 * rng.int(1, 3) : 5 * rng.int(2, 6), createdAt: at, supervisorUserId, attendees: attendees(urn, false) });
      }
    }
  });
  return none;
}

/**
 * The Bolton report's two intervention schools without sessions (Table 5): the first declined after allocation, the
 * second's attendance record is missing, so the CONSORT flow says all but one received the intervention (46 of 47).
 * Drawn from no random stream: the rest of the demo is as it was before statuses existed.
 */
function seedStatuses(db: Db, urns: number[], tl: ReturnType<typeof demoTimeline>, at: string): void {
  const who = { actor: 'system:demo', at };
  const [declined, missing] = urns;
  if (declined !== undefined) recordSchoolStatus(db, DEMO_TRIAL_ID, declined, { status: 'declined', date: day(addDays(tl.startsOn, 12)), reason: 'Headteacher declined: staffing pressures' }, who);
  if (missing !== undefined) recordSchoolStatus(db, DEMO_TRIAL_ID, missing, { status: 'attendance-missing', date: day(tl.endsOn), reason: 'Supervisor\'s attendance log for this school was not returned' }, who);
}

/**
 * Monthly counts for every school and measure over two school years (the baseline year before the trial
 * and the trial year): Poisson counts with mean pupils x annual rate x school factor x season / 12.
 * The school factor rises with % FSM and varies at random; there is no effect of the intervention.
 */
function seedOutcomes(db: Db, rng: DemoRandom, schools: SchoolRecord[], startYear: number, at: string): void {
  const meanFsm = schools.reduce((s, x) => s + (x.fsmPercent ?? 0), 0) / schools.length;
  const rows: Array<{ urn: number; period: string; measure: OutcomeMeasure; count: number }> = [];
  for (const s of schools) {
    const factor = Math.exp(rng.normal(0, 0.3)) * ((s.fsmPercent ?? meanFsm) / meanFsm) ** 0.6;
    for (let m = 0; m < 24; m += 1) {
      const y = startYear - 1 + Math.floor((8 + m) / 12);
      const mo = ((8 + m) % 12) + 1;
      const mean = (rate: number) => ((s.pupils ?? 0) * rate * factor * SEASON[mo]) / 12;
      const c: Partial<Record<OutcomeMeasure, number>> = {};
      for (const [measure, rate] of Object.entries(DEMO_ANNUAL_RATES) as Array<[OutcomeMeasure, number]>) c[measure] = rng.poisson(mean(rate));
      c.referrals_nfa = rng.binomial(c.referrals!, REFERRAL_NFA_SHARE);
      c.contacts = c.contacts_nfa! + c.referrals!;
      for (const measure of OUTCOME_MEASURES) rows.push({ urn: s.urn, period: month(y, mo), measure, count: c[measure]! });
    }
  }
  upsertOutcomes(db, rows, at);
}

/** Seeds the demo only when the database has no trial at all (first start); returns what it made, or null when it did not seed. */
export function seedDemoIfEmpty(db: Db, opts: DemoOptions): DemoSeedResult | null {
  if (countTrials(db) > 0) return null;
  return seedDemo(db, opts);
}

/** Deletes the demo trial and demo programme with their synthetic schools and rows, then seeds them again (the accounts get new passwords). */
export function resetDemo(db: Db, opts: DemoOptions): DemoSeedResult {
  return db.transaction(() => {
    deleteDemoTrial(db, DEMO_TRIAL_ID);
    deleteDemoTrial(db, DEMO_PROGRAMME_ID);
    return seedDemo(db, opts);
  })();
}
