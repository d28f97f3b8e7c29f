// A trial's supervision settings in words and numbers: the interval between sessions (4-6 weeks in Bolton, 4 in the secondary trials)
// and the short list of topics sessions are recorded against.

/** Reads "4-6" or "4" (weeks); problems in words. */
export function parseIntervalWeeks(text: string): { weeks: [number, number] | null; problem: string | null } {
  const m = /^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$/.exec(text);
  if (!m) return { weeks: null, problem: `the interval "${text}" must be weeks like 4-6 or 4` };
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (min < 1 || max > 52 || max < min) return { weeks: null, problem: `the interval "${text}" must be from 1 to 52 weeks, the shorter first` };
  return { weeks: [min, max], problem: null };
}

/** "every 4 weeks" or "every 4 to 6 weeks". */
export function intervalText([min, max]: [number, number]): string {
  return min === max ? `every ${min} week${min === 1 ? '' : 's'}` : `every ${min} to ${max} weeks`;
}

export interface TopicDef { code: string; label: string }

/** Reads "code=Label" entries (the trial's short list of session topics); problems in words. */
export function parseTopics(entries: string[]): { topics: TopicDef[]; problems: string[] } {
  const problems: string[] = [];
  const topics: TopicDef[] = [];
  for (const e of entries) {
    const at = e.indexOf('=');
    const code = (at < 0 ? '' : e.slice(0, at)).trim();
    const label = (at < 0 ? e : e.slice(at + 1)).trim();
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(code)) { problems.push(`topic "${e}" must be written code=Label, the code 1-40 lower-case letters, digits or hyphens`); continue; }
    if (!label || label.length > 120) { problems.push(`topic "${code}" needs a label of 1 to 120 characters`); continue; }
    if (topics.some((t) => t.code === code)) { problems.push(`topic "${code}" is listed twice`); continue; }
    topics.push({ code, label });
  }
  if (topics.length > 20) problems.push('a trial can list at most 20 topics (sessions can also record other topics as free text)');
  return { topics, problems };
}
