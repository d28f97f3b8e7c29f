// `dslkit invitations`: issues missing invitations, prints the mail-merge CSV with working links, audits without tokens.
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo, tempDb } from '../helpers/temp';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { loadOrCreateSecret, secretFileFor } from '../../server/storage/secret-file';
import { deriveInvitationToken } from '../../server/domain/invitation-tokens';
import { findSurveyInvitation } from '../../server/storage/survey-access-repo';
import { parseCsv } from '../../server/domain/csv';

const clock = () => new Date('2025-03-01T09:00:00.000Z');
const cleanups: (() => void)[] = [];
afterEach(() => { cleanups.splice(0).forEach((c) => c()); vi.unstubAllEnvs(); });

function setup() {
  const t = tempDb();
  cleanups.push(t.cleanup);
  const secret = loadOrCreateSecret(secretFileFor(t.file));
  const fx = seedSurveyFixture(t.db, secret, { dsls: 4, invite: 1 });
  t.db.prepare("UPDATE dsls SET status = 'withdrawn' WHERE id = ?").run(fx.allDsls[3].dslId);
  return { ...t, secret, fx };
}

describe('dslkit invitations', () => {
  it('invites active DSLs lacking an invitation and prints one working link each', async () => {
    vi.stubEnv('DSLKIT_PUBLIC_URL', 'https://surveys.example.org/');
    const { db, file, secret, fx } = setup();
    const cap = captureIo();
    const code = await runCli(['invitations', '--trial', 'fixture', '--wave', 'baseline', '--db', file], cap.io, {}, clock);
    expect(code).toBe(0);
    const table = parseCsv(cap.out(), 'stdout');
    expect(table.header).toEqual(['dsl_id', 'school_urn', 'school_name', 'name', 'email', 'link']);
    // 4 DSLs in the fixture, one withdrawn: 3 rows
    expect(table.rows.map((r) => r.values.dsl_id)).toEqual(['dsl-fixture-1', 'dsl-fixture-2', 'dsl-fixture-3']);
    for (const r of table.rows) {
      const token = deriveInvitationToken(secret, fx.waveId, r.values.dsl_id);
      expect(r.values.link).toBe(`https://surveys.example.org/s/${token}`);
      expect(findSurveyInvitation(db, token)?.dslId).toBe(r.values.dsl_id);
    }
    expect(table.rows[1].values).toMatchObject({ school_urn: String(fx.allDsls[1].urn), school_name: 'Fixture Primary School 2', name: 'Fixture DSL 2', email: 'dsl2@school.example' });
    expect(cap.err()).toContain('2 new invitations, 1 already invited');
    const audit = db.prepare("SELECT detail FROM audit_log WHERE action = 'invitations.export'").all() as { detail: string }[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail)).toMatchObject({ wave: 'baseline', newInvitations: 2, exported: 3 });
    for (const r of table.rows) expect(audit[0].detail).not.toContain(r.values.link.split('/s/')[1]);
  });

  it('prints the same links again without creating invitations, and --new-only lists none', async () => {
    const { db, file } = setup();
    const first = captureIo();
    await runCli(['invitations', '--trial', 'fixture', '--wave', 'baseline', '--db', file], first.io, {}, clock);
    const count = () => (db.prepare('SELECT count(*) AS n FROM invitations').get() as { n: number }).n;
    const before = count();
    const again = captureIo();
    const out = path.join(path.dirname(file), 'links.csv');
    expect(await runCli(['invitations', '--trial', 'fixture', '--wave', 'baseline', '--db', file, '--out', out], again.io, {}, clock)).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(first.out());
    expect(count()).toBe(before);
    const none = captureIo();
    await runCli(['invitations', '--trial', 'fixture', '--wave', 'baseline', '--db', file, '--new-only'], none.io, {}, clock);
    expect(none.out()).toBe('dsl_id,school_urn,school_name,name,email,link\n');
  });

  it('explains an unknown trial, a missing wave and a bad wave name', async () => {
    const { file } = setup();
    const a = captureIo();
    expect(await runCli(['invitations', '--trial', 'nosuch', '--wave', 'baseline', '--db', file], a.io, {}, clock)).toBe(1);
    expect(a.err()).toContain('no trial "nosuch"');
    const b = captureIo();
    expect(await runCli(['invitations', '--trial', 'fixture', '--wave', 'endline', '--db', file], b.io, {}, clock)).toBe(1);
    expect(b.err()).toContain('has no endline wave');
    const c = captureIo();
    expect(await runCli(['invitations', '--trial', 'fixture', '--wave', 'final', '--db', file], c.io, {}, clock)).toBe(2);
  });
});
