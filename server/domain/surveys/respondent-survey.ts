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

/** The survey for the wave's instruments; the client renders its own completion page, so SurveyJS's is dropped. */
export function respondentSurvey(defs: InstrumentDef[]): RespondentSurvey {
  const survey = withoutScoringKeys(buildWaveSurvey(defs)) as Record<string, unknown> & { pages: unknown[] };
  return { survey, pageCount: survey.pages.length };
}
