// Staff roles and what each may see: admin/evaluator (all trials), supervisor (assigned schools, never answers), LA officer (own LA aggregates).
export const roles = ['admin', 'evaluator', 'supervisor', 'la_officer'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  admin: 'administrator', evaluator: 'evaluator', supervisor: 'supervisor', la_officer: 'local authority officer',
};

/** Roles that run trials and may see every trial's data (pseudonymous) and the audit log. */
export const evaluatorRoles: readonly Role[] = ['admin', 'evaluator'];
export const allRoles: readonly Role[] = roles;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The signed-in staff member as the HTTP layer and domain functions see them. */
export interface StaffUser { id: number; email: string; name: string; role: Role; laCode: string | null }

/** Audit actor string for a staff member. */
export function actorOf(user: { id: number }): string {
  return `user:${user.id}`;
}
