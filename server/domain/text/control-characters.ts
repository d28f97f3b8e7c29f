// Control characters are stripped from stored text (issue #10: a NUL byte in an answer went raw into HTML): C0 controls except tab, line feed and carriage return, DEL, and C1 controls.
const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const controls = new RegExp(control.source, 'g');

/** The text without control characters (tab, LF and CR are kept: free text has lines). */
export function stripControlCharacters(text: string): string {
  return control.test(text) ? text.replace(controls, '') : text;
}

/** A parsed JSON value with every string (not the keys: those are item ids, checked elsewhere) stripped; depth is bounded by assertJsonDepth before this runs. */
export function stripControlCharactersDeep<T>(value: T): T {
  if (typeof value === 'string') return stripControlCharacters(value) as T;
  if (Array.isArray(value)) return value.map((v) => stripControlCharactersDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stripControlCharactersDeep(v);
    return out as T;
  }
  return value;
}
