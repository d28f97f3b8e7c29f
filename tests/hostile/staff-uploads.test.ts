// Property tests: hostile CSV uploads (schools, DSL roster, outcomes, covariates) through the staff site's multipart forms: never a 5xx or a stack trace, cell values echoed escaped, nothing written on refusal.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, type Signed, type StaffFixture } from '../staff/fixture';
import { tableCounts } from '../../server/storage/backup';
import { attackString, covariatesHeader, covariatesRow, dslHeader, dslRow, hostileCsv, outcomeRow, outcomesHeader, schoolRow, schoolsHeader, stackTracePattern } from './hostile-helpers';

let f: StaffFixture;
let evaluator: Signed;
beforeAll(async () => {
  f = await staffFixture();
  evaluator = await signIn(f, 'evaluator');
}, 60_000);
afterAll(async () => { await f.close(); });

/** Script-ish markup that must never come back unescaped (error lists quote the offending cells). */
const rawMarkup = /<script>alert|<img src=x onerror|<svg onload/;

function counts(): Record<string, number> {
  const c = tableCounts(f.server.deps.db);
  delete c.audit_log; // a refused import may be audited
  delete c.auth_sessions;
  return c;
}

async function upload(path: string, text: string, filename: string): Promise<{ status: number; body: string }> {
  const form = new FormData();
  form.append('_csrf', evaluator.csrf);
  form.append('file', new Blob([text], { type: 'text/csv' }), filename);
  try {
    const res = await fetch(`${f.server.url}${path}`, { method: 'POST', body: form, headers: { cookie: evaluator.cookie, accept: 'text/html' }, redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: `no response: ${String(err)}` }; // a request the server never answers
  }
}

// NUL bytes in file names have their own test below (they currently hang the request).
const filename = fc.oneof(fc.constant('upload.csv'), attackString.map((s) => `${s.replace(/\u0000/g, '')}.csv`));
const kinds = [
  { name: 'schools', path: () => `/staff/trials/${f.ids.trial}/schools`, csv: hostileCsv(schoolsHeader, schoolRow) },
  { name: 'dsls', path: () => `/staff/trials/${f.ids.trial}/dsls`, csv: hostileCsv(dslHeader, dslRow) },
  { name: 'outcomes', path: () => `/staff/trials/${f.ids.trial}/outcomes`, csv: hostileCsv(outcomesHeader, outcomeRow) },
  { name: 'covariates', path: () => `/staff/trials/${f.ids.trial}/covariates`, csv: hostileCsv(covariatesHeader, covariatesRow) },
];

describe('staff CSV uploads under hostile files', () => {
  for (const kind of kinds) {
    it(`POST ${kind.name} upload: 200 or 4xx, escaped, all-or-nothing`, async () => {
      await fc.assert(fc.asyncProperty(kind.csv, filename, async (text, name) => {
        const before = counts();
        const res = await upload(kind.path(), text, name);
        const msg = `${kind.name} ${JSON.stringify(name)} ${JSON.stringify(text).slice(0, 300)} -> ${res.status} ${res.body.replace(/\s+/g, ' ').slice(0, 300)}`;
        expect(res.status, msg).toBeGreaterThan(0);
        expect(res.status, msg).toBeLessThan(500);
        expect([200, 303, 400, 409, 413], msg).toContain(res.status);
        expect(res.body, msg).not.toMatch(stackTracePattern);
        expect(res.body, msg).not.toMatch(rawMarkup);
        if (res.status >= 400) expect(counts(), msg).toEqual(before);
      }), { numRuns: 40, endOnFailure: true });
    }, 120_000);
  }

  it('answers an upload whose file name holds a NUL byte (busboy reports a malformed part header) instead of hanging', async () => {
    const before = counts();
    const res = await upload(`/staff/trials/${f.ids.trial}/schools`, `${schoolsHeader.join(',')}\n${schoolRow(1).join(',')}\n`, 'roster\u0000.csv');
    expect(res.body).not.toMatch(/^no response/);
    expect(res.status).toBe(400);
    expect(counts()).toEqual(before);
  });

  it('refuses an upload larger than the limit with 413 and writes nothing', async () => {
    const before = counts();
    const big = [schoolsHeader.join(','), ...Array.from({ length: 60_000 }, (_, i) => schoolRow(i).join(','))].join('\n');
    const res = await upload(`/staff/trials/${f.ids.trial}/schools`, big, 'big.csv');
    expect(res.status).toBe(413);
    expect(res.body).not.toMatch(stackTracePattern);
    expect(counts()).toEqual(before);
  });
});
