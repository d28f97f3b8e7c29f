// The demo programme outside a trial ("demo-programme"): the demo LA's traded offer (seed 004), 12 settings in 5 packages, sessions logged by the demo supervisor, start- and end-of-year wellbeing waves with answers.
import type { Db } from '../../storage/db';
import { getRegistry } from '../../../instruments/registry';
import { newDslId } from '../imports/dsls';
import type { SchoolRecord } from '../imports/schools';
import { upsertSchools } from '../../storage/school-repo';
import { insertDsl, listDsls } from '../../storage/dsl-repo';
import { addPackage, createProgramme } from '../../storage/programme-repo';
import { createWave } from '../../storage/wave-repo';
import { issueInvitations } from '../../storage/invitation-repo';
import { insertCompleteResponse } from '../../storage/response-repo';
import { assignSchools } from '../../storage/user-repo';
import { insertSupervisionSession } from '../../storage/demo-repo';
import type { DemoRandom } from './demo-random';
import { demoAnswers, type DemoPerson } from './demo-answers';

export const DEMO_PROGRAMME_ID = 'demo-programme';
export const DEMO_PROGRAMME_TITLE = 'DEMO programme — synthetic data';
/** URNs of the programme's settings: inside the demo range, clear of the trial's 990001-990094. */
export const DEMO_PROGRAMME_URN_FIRST = 990201;
/** The seed 004 offer: £1,500 a year for 10 two-hour sessions, shareable by up to four settings. */
export const DEMO_OFFER = { pricePence: 150000, sessionsIncluded: 10, sessionMinutes: 120, maxSettings: 4 } as const;
/** Settings per package (12 settings in 5 packages) and the sessions each package had by the end of the year. */
const PACKAGES: Array<{ settings: number; delivered: number }> = [
  { settings: 4, delivered: 10 }, { settings: 3, delivered: 9 }, { settings: 2, delivered: 10 }, { settings: 2, delivered: 7 }, { settings: 1, delivered: 8 },
];
export const DEMO_PROGRAMME_INSTRUMENTS = ['swemwbs@1', 'pss10@1', 'dsl-confidence@1'] as const;

const PHASES: Array<[string, string, number]> = [
  ['Primary', 'Demo Primary Setting', 7], ['Secondary', 'Demo Secondary Setting', 3], ['Nursery', 'Demo Nursery Setting', 1], ['Not applicable', 'Demo Special Setting', 1],
];

const iso = (d: Date) => d.toISOString();
const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86400000);

function settings(rng: DemoRandom, la: { code: string; name: string }): SchoolRecord[] {
  const out: SchoolRecord[] = [];
  for (const [phase, label, n] of PHASES) {
    for (let i = 1; i <= n; i += 1) {
      out.push({
        urn: DEMO_PROGRAMME_URN_FIRST + out.length, name: `${label} ${String(i).padStart(2, '0')}`, laCode: la.code, laName: la.name,
        type: phase === 'Primary' ? 'Community school' : phase === 'Secondary' ? 'Academy converter' : phase === 'Nursery' ? 'Local authority nursery school' : 'Community special school',
        phase, pupils: phase === 'Secondary' ? rng.int(700, 1300) : phase === 'Nursery' ? rng.int(60, 110) : rng.int(90, 420),
        fsmPercent: Math.round(rng.uniform() * 400) / 10 + 5, urbanRural: '(England/Wales) Urban city and town', ofstedRating: 'Good',
      });
    }
  }
  return out;
}

/**
 * Seeds the programme for the school year [startsOn, endsOn] of the demo timeline. The supervisor is assigned
 * every setting and logs the sessions; DSLs answer a start-of-year (baseline) and end-of-year (endline) wave.
 * The generator gives end-of-year answers a small improvement (latent stress -0.3 SD, confidence +0.3 SD) so the
 * report has a change to show; it is synthetic, and the report says why change alone is not impact.
 */
export function seedDemoProgramme(db: Db, rng: DemoRandom, o: {
  la: { code: string; name: string }; startsOn: Date; endsOn: Date; startYear: number; supervisorUserId: number; secret: Buffer; at: string;
}): void {
  const year = `${o.startYear}/${String((o.startYear + 1) % 100).padStart(2, '0')}`;
  const createdAt = iso(addDays(o.startsOn, -45));
  const by = { actor: 'system:demo', at: createdAt };
  const schools = settings(rng, o.la);
  upsertSchools(db, schools, { synthetic: true });
  createProgramme(db, { id: DEMO_PROGRAMME_ID, title: DEMO_PROGRAMME_TITLE, laCode: o.la.code, academicYear: year, at: createdAt, actor: 'system:demo', isDemo: true });
  const order = rng.shuffle(schools.map((s) => s.urn));
  const packages: number[][] = [];
  let next = 0;
  PACKAGES.forEach((p, i) => {
    const urns = order.slice(next, next + p.settings).sort((a, b) => a - b);
    next += p.settings;
    packages.push(urns);
    addPackage(db, DEMO_PROGRAMME_ID, { name: `Demo package ${String.fromCharCode(65 + i)} (${urns.length} setting${urns.length === 1 ? '' : 's'})`, ...DEMO_OFFER, urns, ...by });
  });
  assignSchools(db, o.supervisorUserId, DEMO_PROGRAMME_ID, schools.map((s) => s.urn), by);

  let n = 0;
  for (const s of schools) {
    for (let k = rng.chance(0.6) ? 2 : 1; k > 0; k -= 1) {
      n += 1;
      insertDsl(db, { id: newDslId((b) => rng.bytes(b)), trialId: DEMO_PROGRAMME_ID, urn: s.urn, role: k === 1 ? 'headteacher' : 'deputy headteacher',
        name: `Demo Programme DSL ${n}`, email: `programme-dsl${n}@demo.invalid`, createdAt });
    }
  }
  const dsls = listDsls(db, DEMO_PROGRAMME_ID);
  const byUrn = new Map<number, string[]>();
  for (const d of dsls) byUrn.set(d.urn, [...(byUrn.get(d.urn) ?? []), d.id]);

  // Sessions: each package's delivered sessions spread over the year, 3 to 4 weeks apart; a shared package meets as a group.
  packages.forEach((urns, i) => {
    let date = addDays(o.startsOn, 14 + rng.int(0, 14));
    for (let k = 0; k < PACKAGES[i].delivered && date < o.endsOn; k += 1) {
      const present = urns.length > 1 && rng.chance(0.2) ? [rng.pick(urns)] : urns; // now and then one setting alone
      const attendees = present.flatMap((urn) => (byUrn.get(urn) ?? []).slice(0, rng.chance(0.7) ? 1 : 2).map((dslId) => ({ dslId, urn })));
      insertSupervisionSession(db, {
        trialId: DEMO_PROGRAMME_ID, kind: 'formal', mode: rng.weighted([['face_to_face', 0.6], ['online', 0.4]] as const), format: attendees.length > 1 ? 'group' : 'individual',
        heldOn: day(date), durationMinutes: rng.weighted([[120, 0.75], [105, 0.15], [90, 0.1]] as const), createdAt: iso(date), supervisorUserId: o.supervisorUserId, attendees,
      });
      date = addDays(date, 7 * rng.int(3, 4) + rng.int(0, 3));
    }
  });

  // Start- and end-of-year waves, both closed: about 95% answered at the start and 85% at the end.
  const registry = getRegistry();
  const defs = DEMO_PROGRAMME_INSTRUMENTS.map((k) => registry.get(k));
  const instruments = defs.map((d) => d.key);
  const people = new Map<string, DemoPerson>(dsls.map((d) => [d.id, { stress: rng.normal(), confidence: rng.normal() }]));
  const waves: Array<{ name: 'baseline' | 'endline'; opens: Date; closes: Date; rate: number; shift: number }> = [
    { name: 'baseline', opens: addDays(o.startsOn, -7), closes: addDays(o.startsOn, 28), rate: 0.95, shift: 0 },
    { name: 'endline', opens: addDays(o.endsOn, -62), closes: addDays(o.endsOn, -35), rate: 0.85, shift: 0.3 },
  ];
  for (const w of waves) {
    const wave = createWave(db, { trialId: DEMO_PROGRAMME_ID, name: w.name, opensAt: iso(w.opens), closesAt: iso(w.closes), instruments });
    for (const inv of issueInvitations(db, o.secret, wave.id, dsls.map((d) => d.id), iso(w.opens))) {
      if (!rng.chance(w.rate)) continue;
      const p = people.get(inv.dslId)!;
      const person = { stress: p.stress - w.shift, confidence: p.confidence + w.shift };
      const answers = Object.assign({}, ...defs.map((d) => demoAnswers(d, person, rng))) as Record<string, unknown>;
      const answeredAt = iso(new Date(w.opens.getTime() + Math.floor(rng.uniform() * (w.closes.getTime() - w.opens.getTime() - 3600000))));
      insertCompleteResponse(db, { invitationId: inv.invitationId, dslId: inv.dslId, waveId: wave.id, instruments, answers, at: answeredAt });
    }
  }
}
