// Programme costs per school and per DSL from entered costs (per setting or per package shared by settings, per DSL, or a total shared between settings).
export interface CostInput {
  item: string; amountPence: number; basis: 'per_school' | 'per_dsl' | 'total'; note: string | null;
  /** per_school only: settings sharing one package at this price (1, the default, when each setting buys its own). */
  sharedBy?: number;
}

export interface CostLine extends CostInput { sharedBy: number; units: number; totalPence: number }

export interface CostSummary {
  lines: CostLine[];
  totalPence: number;
  schools: number;
  dsls: number;
  perSchoolPence: number | null;
  perDslPence: number | null;
}

/**
 * Total = per-setting amounts × packages bought + per-DSL amounts × DSLs + totals; a per-setting amount shared by
 * n settings buys ceil(settings / n) packages (a setting left over buys a whole package). Per school = total / settings,
 * per DSL = total / DSLs (e.g. £1,500 per setting per year, 46 settings: £69,000 in all, £1,500 per school; shared by 2:
 * 23 packages, £34,500, £750 per school).
 */
export function costSummary(costs: CostInput[], schools: number, dsls: number): CostSummary {
  const lines = costs.map((c): CostLine => {
    const sharedBy = c.basis === 'per_school' ? Math.max(1, Math.floor(c.sharedBy ?? 1)) : 1;
    const units = c.basis === 'per_school' ? Math.ceil(schools / sharedBy) : c.basis === 'per_dsl' ? dsls : 1;
    return { ...c, sharedBy, units, totalPence: c.amountPence * units };
  });
  const totalPence = lines.reduce((a, l) => a + l.totalPence, 0);
  return { lines, totalPence, schools, dsls, perSchoolPence: schools > 0 ? totalPence / schools : null, perDslPence: dsls > 0 ? totalPence / dsls : null };
}
