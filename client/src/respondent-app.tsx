// The respondent page: loads the wave survey for the link, restores saved answers and page, saves on every page change, submits once, then thanks the DSL.
import { useEffect, useRef, useState } from 'react';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { ApiError, loadSurvey, saveProgress, submitAnswers, type Answers } from './survey-api';
import { CompletionPage } from './completion-page';
import { UnavailablePage } from './unavailable-page';

type Phase =
  | { kind: 'loading' }
  | { kind: 'unavailable'; status: number }
  | { kind: 'survey'; model: Model; closesAt: string }
  | { kind: 'done' };

interface Banner { message: string; retry?: () => void }

const pageTitle = 'Survey for Designated Safeguarding Leads';

/** Closing time in words, UK time, e.g. "1 April 2025 at 09:00". */
export function formatClosing(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).replace(', ', ' at ');
}

/** What to tell the DSL when a save or submit fails. */
function failureMessage(err: unknown, doing: 'save' | 'submit'): string {
  const what = doing === 'save' ? 'save your answers' : 'send your answers';
  if (err instanceof ApiError) {
    if (err.status === 0) return `We couldn't ${what} because the connection to the survey was lost. Your answers are still on this page. Check your internet connection, then try again.`;
    if (err.status === 400 && err.problem?.errors?.length) return `Some answers could not be accepted: ${err.problem.errors.map((e) => e.detail).join('; ')}. Please check them and try again.`;
    if (err.status === 413) return `We couldn't ${what} because they are too long. Please shorten any long written answers and try again.`;
    if (err.status >= 500) return `We couldn't ${what} because of a problem on our side. Your answers are still on this page. Please try again in a minute.`;
  }
  return `We couldn't ${what}. Your answers are still on this page. Please try again.`;
}

export function RespondentApp({ token }: { token: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [banner, setBanner] = useState<Banner | null>(null);
  const bannerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    document.title = pageTitle;
    loadSurvey(token).then((loaded) => {
      if (cancelled) return;
      if (loaded.status === 'complete') { setPhase({ kind: 'done' }); return; }
      setPhase({ kind: 'survey', model: buildModel(loaded.survey, loaded.data, loaded.page), closesAt: loaded.closesAt });
    }).catch((err: unknown) => {
      if (!cancelled) setPhase({ kind: 'unavailable', status: err instanceof ApiError ? err.status : 0 });
    });
    return () => { cancelled = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  useEffect(() => { if (banner) bannerRef.current?.focus(); }, [banner]);

  function handleGone(err: unknown): boolean {
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) { setPhase({ kind: 'unavailable', status: err.status }); return true; }
    if (err instanceof ApiError && err.status === 409) { setPhase({ kind: 'done' }); return true; }
    return false;
  }

  function save(model: Model): void {
    const data = model.data as Answers;
    const page = model.currentPageNo;
    saveProgress(token, data, page)
      .then(() => setBanner((b) => (b?.retry ? null : b)))
      .catch((err: unknown) => { if (!handleGone(err)) setBanner({ message: failureMessage(err, 'save'), retry: () => { setBanner(null); save(model); } }); });
  }

  function buildModel(json: object, data: Answers, page: number): Model {
    const model = new Model(json);
    model.locale = 'en';
    model.showTitle = false;
    model.showCompletePage = false;
    model.progressBarShowNavigationText = true;
    // 0-10 scales read as scales: keep the buttons and their end labels rather than collapsing to a drop-down.
    for (const q of model.getAllQuestions()) if (q.getType() === 'rating') (q as unknown as { displayMode: string }).displayMode = 'buttons';
    model.data = data;
    if (page > 0 && page < model.visiblePageCount) model.currentPageNo = page;
    // Handlers are added after restoring, so restoring saves nothing.
    model.onCurrentPageChanged.add((sender) => save(sender));
    let submitting = false;
    model.onCompleting.add(async (sender, options) => {
      if (submitting) { options.allow = false; return; }
      submitting = true;
      setBanner(null);
      try {
        await submitAnswers(token, sender.data as Answers);
      } catch (err) {
        options.allow = false;
        if (!handleGone(err)) setBanner({ message: failureMessage(err, 'submit') });
      } finally {
        submitting = false;
      }
    });
    model.onComplete.add(() => setPhase({ kind: 'done' }));
    return model;
  }

  if (phase.kind === 'loading') return <main className="dk-main" aria-busy="true"><p>Loading the survey…</p></main>;
  if (phase.kind === 'unavailable') return <UnavailablePage status={phase.status} />;
  if (phase.kind === 'done') return <CompletionPage />;
  return (
    <>
      <header className="dk-header">
        <h1>{pageTitle}</h1>
        <p>Your answers are saved each time you move to another page. You can leave and come back to this link, on any device, until {formatClosing(phase.closesAt)}.</p>
      </header>
      {banner && (
        <div className="dk-banner" role="alert" tabIndex={-1} ref={bannerRef}>
          <p>{banner.message}</p>
          {banner.retry && <button type="button" className="dk-button" onClick={banner.retry}>Try saving again</button>}
        </div>
      )}
      <main className="dk-survey">
        <Survey model={phase.model} />
      </main>
    </>
  );
}
