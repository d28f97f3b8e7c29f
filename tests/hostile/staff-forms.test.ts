// Property tests: every state-changing staff form in the route table, posted by a role allowed to use it with hostile values in every field: never a 5xx or a stack trace, nothing echoed unescaped.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoutes } from '../../server/http/staff/routes';
import type { Role } from '../../server/domain/auth/roles';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from '../staff/fixture';
import { attackString, stackTracePattern } from './hostile-helpers';

/** Every form field name the staff handlers read (grep of field()/fieldList()/body.* in server/http/staff and dashboards). */
const fieldNames = ['amount', 'basis', 'closesAt', 'confirm', 'cost', 'dsl', 'dsls', 'durationMinutes', 'email', 'heldOn', 'id', 'instruments', 'item',
  'kind', 'la', 'mode', 'name', 'next', 'note', 'opensAt', 'password', 'quote', 'retentionUntil', 'role', 'sessionsIntended', 'shown', 'strata', 'title',
  'seed', 'method', 'format', 'wave', 'field', 'body', 'response', 'supervision_record_date'];

/** Script-ish markup that must never come back unescaped. */
const rawMarkup = /<script>alert|<img src=x onerror|<svg onload/;

let f: StaffFixture;
const signed: Partial<Record<Role, Signed>> = {};
beforeAll(async () => {
  f = await staffFixture();
  for (const r of ['admin', 'evaluator', 'supervisor', 'la_officer'] as Role[]) signed[r] = await signIn(f, r);
}, 60_000);
afterAll(async () => { await f.close(); });

function concrete(path: string): string {
  return `/staff${path}`.replace(/\/$/, '').replace(':trialId', f.ids.trial).replace(':dslId', f.ids.dsl).replace(':waveId', String(f.ids.wave))
    .replace(':sessionId', String(f.ids.session)).replace(':kind', 'ipe').replace(':file', 'long.csv').replace(/:laCode|:la\b|:code/, '350')
    .replace(/:userId|:id/, '1') || '/staff';
}

/** A form: some known fields with hostile (or repeated) values, sometimes an unknown field. */
const hostileForm = fc.record({
  fields: fc.dictionary(fc.constantFrom(...fieldNames), fc.oneof(attackString, fc.array(attackString, { minLength: 2, maxLength: 3 })), { minKeys: 1, maxKeys: 8 }),
  extra: fc.option(fc.tuple(attackString, attackString)),
}).map(({ fields, extra }) => (extra ? { ...fields, [extra[0] || 'x']: extra[1] } : fields));

const posts = staffRoutes.filter((r) => r.method === 'post' && r.roles !== 'public' && r.path !== '/logout');

describe('staff forms under hostile field values', () => {
  it('covers the state-changing routes of the route table', () => {
    expect(posts.length).toBeGreaterThanOrEqual(10); // guards against an empty list passing vacuously
  });
  for (const route of posts) {
    const role = (route.roles as readonly Role[])[0];
    it(`POST ${route.path} as ${role}`, async () => {
      await fc.assert(fc.asyncProperty(hostileForm, async (form) => {
        const res = await request(f, signed[role]!, 'post', concrete(route.path), form as Record<string, string | string[]>);
        const body = await res.text();
        const msg = `POST ${concrete(route.path)} ${JSON.stringify(form).slice(0, 300)} -> ${res.status} ${body.replace(/\s+/g, ' ').slice(0, 300)}`;
        expect(res.status, msg).toBeLessThan(500);
        expect(body, msg).not.toMatch(stackTracePattern);
        expect(body, msg).not.toMatch(rawMarkup);
      }), { numRuns: 15, endOnFailure: true });
    }, 60_000);
  }
});
