// Builds the SurveyJS JSON a DSL sees for a wave: the instruments' pages in order, a progress bar, and nothing that scores.
import { buildWaveSurvey, type InstrumentDef } from '../../../instruments/registry';

/** Properties that would reveal how answers are scored or judged; removed from anything sent to a respondent. */
const scoringProperties = new Set(['correctAnswer', 'scoring', 'score', 'completedHtml', 'completedHtmlOnCondition', 'calculatedValues', 'triggers']);

/** Deep copy without scoring properties. */
export function withoutScoringKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutScoringKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !scoringProperties.has(k))
      .map(([k, v]) => [k, withoutScoringKeys(v)]));
  }
  return value;
}

export interface RespondentSurvey { survey: Record<string, unknown>; pageCount: number }

const built = new Map<string, RespondentSurvey>();

/**
 * The survey for the wave's instruments; the client renders its own completion page, so SurveyJS's is dropped.
 * Memoised per list of instrument keys (instrument definitions are loaded once per process and never change).
 */
export function respondentSurvey(defs: InstrumentDef[]): RespondentSurvey {
  const key = defs.map((d) => `${d.key}${d.needsLicensedText ? '*' : ''}`).join(',');
  const hit = built.get(key);
  if (hit) return hit;
  const survey = withoutScoringKeys(buildWaveSurvey(defs)) as Record<string, unknown> & { pages: unknown[] };
  const result = { survey, pageCount: survey.pages.length };
  if (built.size > 100) built.clear();
  built.set(key, result);
  return result;
}
