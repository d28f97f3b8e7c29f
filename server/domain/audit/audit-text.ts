// Audit entries in words for the staff log: who (a name for `user:1`), and the detail as a short readable line instead of JSON.
const MAX_DETAIL = 160;

/** The person behind an actor string: the staff member's name for `user:<id>`, else the actor as written ('system', 'anonymous', 'cli'). */
export function actorName(actor: string, names: ReadonlyMap<number, string>): string {
  const m = /^user:(\d+)$/.exec(actor);
  if (!m) return actor === 'anonymous' ? 'Someone not signed in' : actor === 'system' ? 'dslkit (automatic)' : actor.startsWith('system:') ? `dslkit (${actor.slice(7)})` : actor;
  return names.get(Number(m[1])) ?? `Deleted account ${m[1]}`;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${valueText(x)}`).join(', ');
  const text = String(v);
  // a hash or token (one long word) is cut to its start, which is enough to recognise it and lets the table wrap
  return /^\S{33,}$/.test(text) ? `${text.slice(0, 12)}…` : text;
}

/** "key: value; key: value" (instrument keys through `instrumentName`, dates through `dateWords`), keys spaced out of camelCase/snake_case, cut to a readable length. Empty detail reads as a dash. */
export function detailText(detail: Record<string, unknown>, instrumentName: (key: string) => string = (k) => k, dateWords: (iso: string) => string = (d) => d): string {
  const named = (k: string, v: unknown) => (/^instruments?$/.test(k) ? (Array.isArray(v) ? v.map((x) => instrumentName(String(x))) : instrumentName(String(v)))
    : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? dateWords(v) : v);
  const parts = Object.entries(detail).map(([k, v]) => `${k.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}: ${valueText(named(k, v))}`);
  const text = parts.join('; ');
  if (!text) return '–';
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

/** "wave.create" → "Wave create", "auth.login_failed" → "Auth login failed". */
export function actionText(action: string): string {
  const t = action.replace(/[._]/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
