// A staff fixture with survey data: trial t1 (randomised by staffFixture), baseline (PSS-10) and midpoint (ONS4) answers with snapshots and scores, supervision attendance and a record.
import { issueInvitations } from '../../server/storage/invitation-repo';
import { insertCompleteResponse, saveProgress, submitResponse } from '../../server/storage/response-repo';
import { createWave } from '../../server/storage/wave-repo';
import { saveSupervisionRecord } from '../../server/storage/supervision-repo';
import { staffFixture, type StaffFixture } from './fixture';

/** PSS-10 answer sets from instruments/pss10/cases.json with their hand-computed totals (26, 16 and 40 there). */
export const pss = {
  complete: { answers: { pss10_01: 2, pss10_02: 3, pss10_03: 2, pss10_04: 1, pss10_05: 1, pss10_06: 3, pss10_07: 2, pss10_08: 1, pss10_09: 2, pss10_10: 3 }, total: 26 },
  allZero: { answers: { pss10_01: 0, pss10_02: 0, pss10_03: 0, pss10_04: 0, pss10_05: 0, pss10_06: 0, pss10_07: 0, pss10_08: 0, pss10_09: 0, pss10_10: 0 }, total: 16 },
  maximum: { answers: { pss10_01: 4, pss10_02: 4, pss10_03: 4, pss10_04: 0, pss10_05: 0, pss10_06: 4, pss10_07: 0, pss10_08: 0, pss10_09: 4, pss10_10: 4 }, total: 40 },
} as const;

/** ONS4 answers: each scale is the item's own value (instruments/ons4/scoring.json, method "value"). */
export const ons = {
  'dsl-aaaa': { ons4_01: 7, ons4_02: 8, ons4_03: 6, ons4_04: 3 },
  'dsl-cccc': { ons4_01: 5, ons4_02: 6, ons4_03: 4, ons4_04: 7 },
} as const;

export interface DataFixture extends StaffFixture {
  midWave: number;
  /** Invitation tokens by wave name and DSL id (the links the DSLs were sent). */
  tokens: Record<'baseline' | 'midpoint', Record<string, string>>;
  /** The personal data planted for each DSL of t1, which must disappear on erasure. */
  personal: Record<string, string[]>;
}

/** dsl-aaaa: baseline saved twice then submitted (26), midpoint ONS4, attends a session and has a written record.
 *  dsl-bbbb: baseline 16, midpoint link not used yet. dsl-cccc: baseline 40, midpoint ONS4, attends supervisor 2's session. */
export async function dataFixture(): Promise<DataFixture> {
  const f = await staffFixture();
  const { db, secret } = f.server.deps;
  const at = f.now.t.toISOString();
  // t1 is already randomised by staffFixture (three intervention schools, one control)
  const baseline = ['dsl-aaaa', 'dsl-bbbb', 'dsl-cccc'];
  const base = issueInvitations(db, secret, f.ids.wave, baseline, at);
  const key = (inv: (typeof base)[number], waveId: number, instruments: string[]) => ({ invitationId: inv.invitationId, dslId: inv.dslId, waveId, instruments });
  const [a, b, c] = base;
  saveProgress(db, key(a, f.ids.wave, ['pss10@1']), { pss10_01: 2, pss10_02: 3 }, 0, at);
  saveProgress(db, key(a, f.ids.wave, ['pss10@1']), { pss10_01: 2, pss10_02: 3, pss10_03: 2 }, 0, at);
  submitResponse(db, key(a, f.ids.wave, ['pss10@1']), pss.complete.answers, at);
  insertCompleteResponse(db, { ...key(b, f.ids.wave, ['pss10@1']), answers: pss.allZero.answers, at });
  insertCompleteResponse(db, { ...key(c, f.ids.wave, ['pss10@1']), answers: pss.maximum.answers, at });
  const mid = createWave(db, { trialId: 't1', name: 'midpoint', opensAt: '2026-03-01', closesAt: '2026-05-01', instruments: ['ons4@1'] });
  const midInv = issueInvitations(db, secret, mid.id, baseline, at);
  for (const inv of midInv.filter((i) => i.dslId !== 'dsl-bbbb')) insertCompleteResponse(db, { ...key(inv, mid.id, ['ons4@1']), answers: ons[inv.dslId as keyof typeof ons], at });
  const supervisor = (db.prepare('SELECT id FROM users WHERE email = ?').get(f.emails.supervisor) as { id: number }).id;
  saveSupervisionRecord(db, { sessionId: f.ids.session, authorUserId: supervisor, dslId: 'dsl-aaaa', instrument: 'supervision-record@1', answers: { supervision_record_dsl: 'dsl-aaaa', supervision_record_date: '2026-02-01' }, at });
  return {
    ...f, midWave: mid.id,
    tokens: { baseline: Object.fromEntries(base.map((i) => [i.dslId, i.token])), midpoint: Object.fromEntries(midInv.map((i) => [i.dslId, i.token])) },
    personal: { 'dsl-aaaa': ['Ann Able', 'ann@example.org'], 'dsl-bbbb': ['Bob Best', 'bob@example.org'], 'dsl-cccc': ['Cat Cole', 'cat@example.org'] },
  };
}

/** Every row of every table as one JSON text, for "this string is nowhere in the database" checks. */
export function dumpDatabase(f: StaffFixture): string {
  const db = f.server.deps.db;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((t) => t.name);
  return tables.map((t) => `${t}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())}`).join('\n');
}
