// The instrument validator's messages about a record of supervision ("supervision_record_date: an answer is required"), said in the
// GOV.UK pattern and the form's own words ("Enter the date of supervision"), never an item id.

const lowerFirst = (s: string) => `${s.charAt(0).toLowerCase()}${s.slice(1)}`;

/** One problem's text for the error summary and the field; `title` is the question's wording on the form. */
export function recordProblemText(detail: string, title: string): string {
  const rest = detail.replace(/^[a-z0-9_]+: /, '');
  if (/an answer is required/.test(rest)) return `Enter the ${lowerFirst(title)}`;
  if (/is not a real date/.test(rest)) return `${title} must be a real date, written like 2026-03-27`;
  const long = /at most (\d+) allowed/.exec(rest);
  if (long) return `${title} must be ${Number(long[1]).toLocaleString('en-GB')} characters or fewer`;
  return `${title}: ${rest}`;
}
