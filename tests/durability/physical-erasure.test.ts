// Erasure is physical: after `dslkit erase` or the staff form, a DSL's answers are not in the database file's bytes (free pages), the WAL, or a later backup; the marker of a DSL who was not erased stays readable (the grep can see text).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { issueInvitations } from '../../server/storage/invitation-repo';
import { createWave } from '../../server/storage/wave-repo';
import { captureIo } from '../helpers/temp';
import { dataFixture, type DataFixture } from '../staff/data-fixture';
import { request, signIn } from '../staff/fixture';

/** One free-text answer per save, unique to the DSL and save, long enough to spill into overflow pages on the later saves. */
const marker = (who: string, save: number) => `MARKER-${who}-${save}-${'q7x'.repeat(save * 400)}`;
const markerStem = (who: string) => `MARKER-${who}-`;

/** The raw bytes of the database file and its WAL (when present), as latin1 text so a grep sees every byte. */
function rawFiles(dbFile: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of [dbFile, `${dbFile}-wal`]) if (fs.existsSync(f)) out[path.basename(f)] = fs.readFileSync(f).toString('latin1');
  return out;
}

async function cli(args: string[]): Promise<string> {
  const c = captureIo();
  const code = await runCli(args, c.io, {});
  expect(c.err()).toBe('');
  expect(code).toBe(0);
  return c.out();
}

for (const via of ['cli', 'http'] as const) {
  describe(`physical erasure via ${via === 'cli' ? 'dslkit erase' : 'the staff form'} while the server holds the database open`, () => {
    let f: DataFixture;
    let dbFile: string;
    beforeAll(async () => {
      f = await dataFixture();
      dbFile = f.server.deps.db.name;
      const { db, secret } = f.server.deps;
      const wave = createWave(db, { trialId: 't1', name: 'endline', opensAt: '2026-01-01', closesAt: '2099-01-01', instruments: ['dsl-evaluation@1'] });
      const invitations = issueInvitations(db, secret, wave.id, ['dsl-aaaa', 'dsl-bbbb'], f.now.t.toISOString());
      // Each DSL saves three times through the survey API (progress snapshots), with a new free-text answer each time.
      for (const inv of invitations) {
        for (let save = 1; save <= 3; save++) {
          const res = await fetch(`${f.server.url}/api/s/${inv.token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { dsl_evaluation_better: marker(inv.dslId, save) }, page: 0 }) });
          expect(res.status).toBe(204);
        }
      }
    }, 60_000);
    afterAll(async () => { await f.close(); });

    it('before: both DSLs\' answers are readable in the raw files', () => {
      const raw = Object.values(rawFiles(dbFile)).join('');
      expect(raw).toContain(markerStem('dsl-aaaa'));
      expect(raw).toContain(markerStem('dsl-bbbb'));
    });

    it('after erasing dsl-aaaa: no byte of its answers or contact details in the database file or the WAL, nor in a backup taken afterwards', async () => {
      if (via === 'cli') expect(await cli(['erase', '--db', dbFile, '--trial', 't1', '--dsl', 'dsl-aaaa'])).toMatch(/overwritten with zeros in the database file, and the WAL emptied/);
      else {
        const ev = await signIn(f, 'evaluator');
        const res = await request(f, ev, 'post', '/staff/trials/t1/dsls/dsl-aaaa/erase', { mode: 'erase' });
        expect(res.status).toBe(200);
        expect(await res.text()).toMatch(/overwritten in the database file and its write-ahead log/);
      }
      const raw = rawFiles(dbFile);
      for (const [file, bytes] of Object.entries(raw)) {
        expect(bytes.includes(markerStem('dsl-aaaa')), `${file} still holds dsl-aaaa's answer`).toBe(false);
        expect(bytes.includes('ann@example.org'), `${file} still holds dsl-aaaa's email`).toBe(false);
      }
      expect(Object.values(raw).join('')).toContain(markerStem('dsl-bbbb')); // the grep does see text that is still there

      const backup = path.join(path.dirname(dbFile), 'after-erasure.db');
      await cli(['backup', backup, '--db', dbFile]);
      const copy = fs.readFileSync(backup).toString('latin1');
      expect(copy.includes(markerStem('dsl-aaaa'))).toBe(false);
      expect(copy).toContain(markerStem('dsl-bbbb'));
    });
  });
}
