// Programme costs per school and per DSL from entered costs (per setting, per DSL, or a total shared between settings).
export interface CostInput { item: string; amountPence: number; basis: 'per_school' | 'per_dsl' | 'total'; note: string | null }

export interface CostLine extends CostInput { totalPence: number }

export interface CostSummary {
  lines: CostLine[];
  totalPence: number;
  schools: number;
  dsls: number;
  perSchoolPence: number | null;
  perDslPence: number | null;
}

/**
 * Total = per-school amounts × settings receiving the programme + per-DSL amounts × DSLs + totals;
 * per school = total / settings, per DSL = total / DSLs (e.g. £1,500 per setting per year, 46 settings:
 * £69,000 in all, £1,500 per school).
 */
export function costSummary(costs: CostInput[], schools: number, dsls: number): CostSummary {
  const lines = costs.map((c) => ({ ...c, totalPence: c.basis === 'per_school' ? c.amountPence * schools : c.basis === 'per_dsl' ? c.amountPence * dsls : c.amountPence }));
  const totalPence = lines.reduce((a, l) => a + l.totalPence, 0);
  return { lines, totalPence, schools, dsls, perSchoolPence: schools > 0 ? totalPence / schools : null, perDslPence: dsls > 0 ? totalPence / dsls : null };
}
