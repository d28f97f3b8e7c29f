// Decides whether an invitation link may be used now (open, not yet open, closed, DSL withdrawn) and the errors each case answers with.
import { GoneError, NotFoundError } from '../../../shared/errors';

export type SurveyAccessState = 'open' | 'not-open' | 'closed' | 'withdrawn';

export interface SurveyAccessFacts { now: Date; opensAt: string; closesAt: string; dslStatus: string }

/** Closed when now >= closes_at; a withdrawn or erased DSL's link is closed too. */
export function surveyAccessState(f: SurveyAccessFacts): SurveyAccessState {
  if (f.dslStatus !== 'active') return 'withdrawn';
  const now = f.now.getTime();
  if (now < Date.parse(f.opensAt)) return 'not-open';
  if (now >= Date.parse(f.closesAt)) return 'closed';
  return 'open';
}

/** The one 404 every unknown, malformed or not-yet-open link gets: identical, so it says nothing about other links. */
export function linkNotFound(): NotFoundError {
  return new NotFoundError('This survey link does not work. Check that you copied the whole link from your invitation email.');
}

/** The one 410 every closed link gets (wave closed, or the DSL has left the trial). */
export function surveyClosed(): GoneError {
  return new GoneError('This survey has closed and no longer accepts answers.');
}

/** Throws the right error unless the link may be used now. */
export function assertSurveyOpen(state: SurveyAccessState | undefined): void {
  if (state === undefined || state === 'not-open') throw linkNotFound();
  if (state === 'closed' || state === 'withdrawn') throw surveyClosed();
}
