// Who a survey wave goes to: every active DSL, or only those of some arms and with at least so many formal supervision sessions.

export type Arm = 'intervention' | 'control';
export interface WaveAudience { arms: Arm[] | null; minSessions: number | null }
export interface DslDose { arm: Arm | null; formalSessions: number }

/** Whether a DSL is invited to a wave with this audience. */
export function inAudience(a: WaveAudience, d: DslDose): boolean {
  if (a.arms && (d.arm === null || !a.arms.includes(d.arm))) return false;
  if (a.minSessions !== null && d.formalSessions < a.minSessions) return false;
  return true;
}

/** The audience in words ("every active DSL"; "intervention DSLs with at least 3 formal sessions"). */
export function audienceText(a: WaveAudience): string {
  if (!a.arms && a.minSessions === null) return 'every active DSL';
  const who = a.arms ? `${a.arms.join(' and ')} DSLs` : 'DSLs';
  return a.minSessions === null ? `${who} only` : `${who} with at least ${a.minSessions} formal supervision session${a.minSessions === 1 ? '' : 's'}`;
}

/** Reads --arm / form values: a comma list of arms; problems in words. */
export function parseArms(text: string | undefined): { arms: Arm[] | null; problem: string | null } {
  if (text === undefined || text.trim() === '' || text.trim() === 'all') return { arms: null, problem: null };
  const arms = [...new Set(text.split(',').map((s) => s.trim()))];
  const bad = arms.filter((a) => a !== 'intervention' && a !== 'control');
  if (bad.length) return { arms: null, problem: `arm "${bad[0]}" must be intervention or control` };
  return { arms: arms.length === 2 ? null : (arms as Arm[]), problem: null };
}
