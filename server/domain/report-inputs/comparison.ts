// Validates Table 2's comparison column as the evaluator enters it (what the figures are, and one national or LA figure per characteristic), with GOV.UK error messages pointing at each field.
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import type { ReportComparison } from '../../../reports/view-models/report-data';
import type { ComparisonCharacteristic } from '../../../reports/view-models/school-characteristics';

export const MAX_COMPARISON_HEADING = 200;

/** Raw form fields: the heading, and for each characteristic key the text entered ('' = no figure). */
export interface ComparisonFields { heading: string; figures: Map<string, string> }

/** The field name of a characteristic's figure on the form (index in the list the form was built from). */
export const figureField = (i: number) => `figure-${i}`;

/**
 * The comparison to store, or null to remove the column (nothing entered). Figures are numbers: percentages from
 * 0 to 100, the number of pupils from 0 to 100,000; a heading is needed once any figure is given, and a figure once
 * a heading is. Only the characteristics given may carry figures.
 */
export function parseComparison(fields: ComparisonFields, characteristics: ComparisonCharacteristic[]): ReportComparison | null {
  const problems: FieldProblem[] = [];
  const heading = fields.heading.trim();
  const figures: Record<string, number> = {};
  characteristics.forEach((c, i) => {
    const raw = (fields.figures.get(c.key) ?? '').trim().replace(/%$/, '').replace(/,/g, '');
    if (raw === '') return;
    const n = Number(raw);
    const name = c.label.charAt(0).toLowerCase() + c.label.slice(1);
    if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n)) problems.push({ pointer: `/${figureField(i)}`, detail: `Enter the figure for ${name} as a number, like ${c.unit === 'pupils' ? '281.9' : '23.0'}` });
    else if (c.unit === 'percent' && n > 100) problems.push({ pointer: `/${figureField(i)}`, detail: `The figure for ${name} must be a percentage between 0 and 100` });
    else if (c.unit === 'pupils' && n > 100000) problems.push({ pointer: `/${figureField(i)}`, detail: `The figure for ${name} must be between 0 and 100,000` });
    else figures[c.key] = n;
  });
  const anyFigure = characteristics.some((c) => (fields.figures.get(c.key) ?? '').trim() !== '');
  if (heading.length > MAX_COMPARISON_HEADING) problems.unshift({ pointer: '/heading', detail: `What the comparison figures are must be ${MAX_COMPARISON_HEADING} characters or fewer` });
  else if (!heading && anyFigure) problems.unshift({ pointer: '/heading', detail: 'Enter what the comparison figures are, like "State-funded primary schools in England, 2019"' });
  else if (heading && !anyFigure) problems.push({ pointer: `/${figureField(0)}`, detail: 'Enter at least one comparison figure, or clear what the figures are to remove the column' });
  if (problems.length) throw new ValidationError(`The comparison figures were not saved: ${problems.map((p) => p.detail).join('; ')}`, problems);
  return heading ? { heading, figures } : null;
}
