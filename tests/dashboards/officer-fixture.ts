// The tempting fixture on a running server with staff accounts (admin, evaluator, supervisor, officers of LA 990 and 991), for HTTP and browser tests.
import { startTestServer } from '../helpers/server';
import { hashPassword } from '../../server/domain/auth/password';
import { createUser } from '../../server/storage/user-repo';
import type { Role } from '../../server/domain/auth/roles';
import type { StaffFixture, Who } from '../staff/fixture';
import { seedTemptingFixture, TEMPT_LA, OTHER_LA } from './tempting-fixture';

export const OFFICER_PASSWORD = 'correct horse battery staple';

/** A StaffFixture-shaped object (so tests/staff/fixture.ts signIn/request work) where la_officer belongs to LA 990. */
export async function officerFixture(): Promise<StaffFixture & { otherOfficerEmail: string }> {
  const now = { t: new Date('2025-07-20T12:00:00Z') };
  const server = await startTestServer({ clock: () => now.t });
  const db = server.deps.db;
  seedTemptingFixture(db);
  const hash = await hashPassword(OFFICER_PASSWORD);
  const by = { actor: 'system', at: now.t.toISOString() };
  const emails: Record<Who, string> = { admin: 'admin@example.org', evaluator: 'eva@example.org', supervisor: 'sue@example.org', supervisor2: 'sam@example.org', la_officer: 'lou@example.org' };
  let supervisor2User = 0;
  for (const [who, email] of Object.entries(emails) as Array<[Who, string]>) {
    const role: Role = who === 'supervisor2' ? 'supervisor' : who;
    const user = createUser(db, { email, name: `User ${who}`, role, laCode: role === 'la_officer' ? TEMPT_LA.code : null, passwordHash: hash }, by);
    if (who === 'supervisor2') supervisor2User = user.id;
  }
  const otherOfficerEmail = 'olly@example.org';
  createUser(db, { email: otherOfficerEmail, name: 'Olly Other', role: 'la_officer', laCode: OTHER_LA.code, passwordHash: hash }, by);
  return { server, now, emails, otherOfficerEmail, ids: { trial: 'tempt', otherTrial: 'tempt-prog', dsl: 'dsl-i0-0', wave: 1, session: 1, otherSession: 2, supervisor2User }, close: () => server.close() };
}
