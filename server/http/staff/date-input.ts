// Reads a GOV.UK date input (<name>-day, <name>-month, <name>-year) into an ISO date, with the Design System's error wording ("Enter the date the wave opens").
import type { Request } from 'express';
import { field } from './body';

export interface DateInputValue { day: string; month: string; year: string }
export interface DateInputResult { iso: string | null; error: string | null; value: DateInputValue; /** which of the three boxes the error is about (all three when the date as a whole is wrong) */ wrong: Array<'day' | 'month' | 'year'> }

/** `label` completes "Enter the …", e.g. 'date the wave opens'. */
export function readDateInput(req: Request, name: string, label: string): DateInputResult {
  const value = { day: field(req, `${name}-day`).trim(), month: field(req, `${name}-month`).trim(), year: field(req, `${name}-year`).trim() };
  const parts = (['day', 'month', 'year'] as const);
  const missing = parts.filter((p) => value[p] === '');
  if (missing.length === 3) return { iso: null, error: `Enter the ${label}`, value, wrong: [...parts] };
  if (missing.length) return { iso: null, error: `The ${label} must include a ${missing.join(' and ')}`, value, wrong: missing };
  const [d, m, y] = [value.day, value.month, value.year].map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (!Number.isInteger(d) || !Number.isInteger(m) || !/^\d{4}$/.test(value.year) || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { iso: null, error: `The ${label} must be a real date`, value, wrong: [...parts] };
  }
  return { iso: date.toISOString().slice(0, 10), error: null, value, wrong: [] };
}

/** The view-model of the date-input partial: keeps what was typed and the error about it. */
export function dateInputModel(req: Request, name: string, legend: string, read: DateInputResult | null | undefined, hint = 'For example, 8 9 2026') {
  return { name, legend, hint, value: read?.value ?? { day: field(req, `${name}-day`), month: field(req, `${name}-month`), year: field(req, `${name}-year`) }, error: read?.error ?? null, wrong: read?.wrong ?? [] };
}

/** An optional date input: null when all three boxes are empty, else read like a required one. */
export function readOptionalDateInput(req: Request, name: string, label: string): DateInputResult | null {
  const empty = ['day', 'month', 'year'].every((p) => field(req, `${name}-${p}`).trim() === '');
  return empty ? null : readDateInput(req, name, label);
}

/** A stored ISO date as the three boxes of a date input ('2026-09-08' as 8, 9, 2026). */
export function dateInputValue(iso: string | null): DateInputValue {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1] } : { day: '', month: '', year: '' };
}
