// The one redaction every log line passes through, whatever its format: invitation and opt-out tokens in paths, session ids, CSRF tokens and passwords in anything that looks like a cookie or form field.
/** Removes invitation and opt-out tokens from a path (or any text holding paths): /s/<token>, /o/<token> and /api/s/<token>, in any case (Express routes /S/<token> like /s/<token>). */
export function redactPath(p: string): string {
  return p.replace(/\/(s|o|api\/s)\/[^/\s"]+/gi, '/$1/[token]');
}

/** Names whose values are secrets wherever they appear as name=value (cookies, form bodies, query strings). */
const secretNames = /\b(dslkit_session|dslkit_login_csrf|_csrf|csrf|password|token|secret)=([^;&\s"]+)/gi;

/** Redacts a whole log line: token paths, and the values of secret-named fields. */
export function redactText(text: string): string {
  return redactPath(text).replace(secretNames, '$1=[redacted]');
}

/** Redacts every string in a log record's fields (one level deep: the request log's fields are flat). */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' ? redactText(v) : v;
  return out;
}
