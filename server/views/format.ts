// Turns stored values into the words staff pages show: dates as "8 August 2025" (en-GB, Europe/London) and instruments by their name.
import { getRegistry } from '../../instruments/registry';

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZone: 'Europe/London' });

/** A stored date ('2025-08-08') or timestamp ('2025-08-08T09:30:00Z') as "8 August 2025"; a date-only value is that calendar day, a timestamp its day in London. Unreadable input is returned as given. */
export function dateText(iso: string | null | undefined): string {
  if (!iso) return '–';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const d = new Date(dateOnly ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dayFormat.format(d);
}

/** A timestamp as "8 August 2025, 9:30am" (London time; noon is 12:00pm, never 0:00pm). */
export function dateTimeText(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || /^\d{4}-\d{2}-\d{2}$/.test(iso)) return dateText(iso);
  return `${dayFormat.format(d)}, ${timeFormat.format(d).replace(/\s/g, '').toLowerCase()}`;
}

/** An instrument key ('pss10@1') as its title ("Perceived Stress Scale (PSS-10)"); an unknown key is shown as given. */
export function instrumentName(key: string): string {
  try {
    return getRegistry().get(key).title;
  } catch {
    return key;
  }
}

/** A list of instrument keys as their names, comma-separated. */
export function instrumentNames(keys: readonly string[]): string {
  return keys.map(instrumentName).join(', ');
}

const natural = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/** Compares names as a person sorts them: "DSL 2" before "DSL 10", case and accents aside. */
export function naturalCompare(a: string, b: string): number {
  return natural.compare(a, b);
}
