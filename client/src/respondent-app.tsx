// The respondent page: takes over from the server-drawn page (or loads the survey), restores saved answers and page, saves every answer as it is given, moves focus to each new page's heading, submits once, then thanks the DSL.
import { useEffect, useRef, useState } from 'react';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { ApiError, loadSurvey, submitAnswers, type Answers, type LoadedSurvey } from './survey-api';
import { AnswerSaver, forgetUnsent, unsentAnswers, type SaverState } from './answer-saver';
import { CompletionPage } from './completion-page';
import { UnavailablePage } from './unavailable-page';

type Phase =
  | { kind: 'loading' }
  | { kind: 'unavailable'; status: number }
  | { kind: 'survey'; model: Model; closesAt: string; welcome: string | null }
  | { kind: 'done' };

interface Banner { message: string; calm?: boolean; retry?: () => void }

/** Answers typed into the server-drawn page before the script arrived: question name -> the control's text value. */
export type EarlyAnswers = Record<string, string>;

const pageTitle = 'Survey for Designated Safeguarding Leads';

/** Closing time in words, UK time, e.g. "1 April 2025 at 09:00" (server/views/respondent/closing.ts words it the same way). */
export function formatClosing(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).replace(', ', ' at ');
}

/** "Page 4 of 9" and the page title (the server's pageLabel words it the same way). */
function pageLabel(model: Model): { position: string; title: string } {
  const page = model.currentPage as { title?: string; name?: string } | undefined;
  return { position: `Page ${model.currentPageNo + 1} of ${model.visiblePageCount}`, title: page?.title || page?.name || '' };
}

/** The welcome-back line (server/http/respondent-pages.ts welcomeBack words it the same way). */
function welcomeBack(model: Model): string {
  const { position, title } = pageLabel(model);
  return `Welcome back. The answers you gave before have been kept. You are on ${position.toLowerCase()}${title ? `: ${title}` : ''}.`;
}

/** What to tell the DSL when a save or submit is refused or fails. */
function failureMessage(err: unknown, doing: 'save' | 'submit'): string {
  const what = doing === 'save' ? 'save your answers' : 'send your answers';
  if (err instanceof ApiError) {
    if (err.status === 0) return `We couldn't ${what} because the connection to the survey was lost. Your answers are still on this page. Check your internet connection, then try again.`;
    if (err.status === 400 && err.problem?.errors?.length) return `Some answers could not be accepted: ${err.problem.errors.map((e) => e.detail).join('; ')}. Please check them and try again.`;
    if (err.status === 413) return `We couldn't ${what} because they are too long. Please shorten any long written answers and try again.`;
    if (err.status >= 500) return `We couldn't ${what} because of a problem on our side. Your answers are kept on this page and we will try again in a moment.`;
  }
  return `We couldn't ${what}. Your answers are still on this page. Please try again.`;
}

const offlineMessage = "You're offline at the moment: your answers are kept on this device and will be sent as soon as the connection is back.";

/** The text value of an early answer as the question's own value (a choice's value, a number), or undefined. */
function typedValue(model: Model, name: string, text: string): unknown {
  const q = model.getQuestionByName(name) as unknown as { visibleChoices?: { value: unknown }[]; visibleRateValues?: { value: unknown }[]; inputType?: string } | null;
  if (!q || text === '') return undefined;
  const options = q.visibleChoices ?? q.visibleRateValues;
  if (options?.length) return options.find((c) => String(c.value) === text)?.value;
  if (q.inputType === 'number') { const n = Number(text); return Number.isFinite(n) ? n : undefined; }
  return text;
}

export function RespondentApp({ token, initial, early = {} }: { token: string; initial?: LoadedSurvey; early?: EarlyAnswers }) {
  const saver = useRef<AnswerSaver | null>(null);
  const [banner, setBanner] = useState<Banner | null>(null);
  const [pageNo, setPageNo] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const bannerRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstPage = useRef(true);
  const [phase, setPhase] = useState<Phase>(() => (initial ? phaseFor(initial) : { kind: 'loading' }));

  useEffect(() => {
    document.title = pageTitle;
    if (initial) return undefined;
    let cancelled = false;
    loadSurvey(token).then((loaded) => { if (!cancelled) setPhase(phaseFor(loaded)); }).catch((err: unknown) => {
      if (!cancelled) setPhase({ kind: 'unavailable', status: err instanceof ApiError ? err.status : 0 });
    });
    return () => { cancelled = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  useEffect(() => () => saver.current?.stop(), []);
  useEffect(() => { if (banner && !banner.calm) bannerRef.current?.focus(); }, [banner]);
  // After Next or Previous: focus the new page's heading (screen readers read it; the next Tab reaches its first question).
  useEffect(() => {
    if (firstPage.current) { firstPage.current = false; return; }
    headingRef.current?.focus();
  }, [pageNo]);

  function handleGone(err: unknown): boolean {
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) { setPhase({ kind: 'unavailable', status: err.status }); return true; }
    if (err instanceof ApiError && err.status === 409) { forgetUnsent(token); setPhase({ kind: 'done' }); return true; }
    return false;
  }

  function onSaverState(state: SaverState, error?: unknown): void {
    if (state === 'saved') setBanner((b) => (b?.calm || b?.retry ? null : b));
    else if (state === 'offline') setBanner({ message: offlineMessage, calm: true });
    else if (state === 'failed') setBanner({ message: failureMessage(error, 'save'), retry: () => { setBanner(null); saver.current?.retryNow(); } });
  }

  function phaseFor(loaded: LoadedSurvey): Phase {
    if (loaded.status === 'complete') { forgetUnsent(token); return { kind: 'done' }; }
    const model = buildModel(loaded);
    const resumed = loaded.status === 'partial' && Object.keys(loaded.data).length > 0;
    return { kind: 'survey', model, closesAt: loaded.closesAt, welcome: resumed ? welcomeBack(model) : null };
  }

  function buildModel(loaded: LoadedSurvey): Model {
    const model = new Model(loaded.survey);
    model.locale = 'en';
    model.showTitle = false;
    model.showCompletePage = false;
    // our own heading says "Page 4 of 9: Perceived stress" in full on a phone; SurveyJS's step labels are cut off
    model.showProgressBar = false;
    model.showPageTitles = false;
    // 0-10 scales read as scales: keep the buttons and their end labels rather than collapsing to a drop-down.
    for (const q of model.getAllQuestions()) if (q.getType() === 'rating') (q as unknown as { displayMode: string }).displayMode = 'buttons';
    // answers this device kept but never sent win over the server's copy: they were given after its last save
    const unsent = unsentAnswers(token);
    model.data = { ...loaded.data, ...(unsent?.data ?? {}) };
    const page = unsent?.page ?? loaded.page;
    if (page > 0 && page < model.visiblePageCount) model.currentPageNo = page;
    let changed = unsent !== undefined;
    for (const [name, text] of Object.entries(early)) {
      const value = typedValue(model, name, text);
      if (value !== undefined && model.getValue(name) !== value) { model.setValue(name, value); changed = true; }
    }
    saver.current = new AnswerSaver(token, { onState: onSaverState, onGone: (err) => handleGone(err) });
    if (changed) saver.current.update(model.data as Answers, model.currentPageNo, true);
    // Handlers are added after restoring, so restoring saves nothing.
    model.onValueChanged.add((sender) => saver.current?.update(sender.data as Answers, sender.currentPageNo));
    model.onCurrentPageChanged.add((sender) => {
      saver.current?.update(sender.data as Answers, sender.currentPageNo, true);
      const { position, title } = pageLabel(sender);
      setAnnouncement(`${position}: ${title}`);
      setPageNo(sender.currentPageNo);
    });
    let submitting = false;
    model.onCompleting.add(async (sender, options) => {
      if (submitting) { options.allow = false; return; }
      submitting = true;
      setBanner(null);
      try {
        await submitAnswers(token, sender.data as Answers);
        saver.current?.stop();
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
  const label = pageLabel(phase.model);
  return (
    <>
      <header className="dk-header">
        <h1>{pageTitle}</h1>
        {phase.welcome && <p className="dk-welcome">{phase.welcome}</p>}
        <p>Each answer is saved as you give it. You can leave and come back to this link, on any device, until {formatClosing(phase.closesAt)}.</p>
      </header>
      {banner && (
        <div className={banner.calm ? 'dk-banner dk-banner--calm' : 'dk-banner'} role={banner.calm ? 'status' : 'alert'} tabIndex={-1} ref={bannerRef}>
          <p>{banner.message}</p>
          {banner.retry && <button type="button" className="dk-button" onClick={banner.retry}>Try saving again</button>}
        </div>
      )}
      <main className="dk-survey" id="main">
        <h2 className="dk-page-heading" tabIndex={-1} ref={headingRef}>
          <span className="dk-caption">{label.position}:</span> {label.title}
        </h2>
        <p className="dk-visually-hidden" role="status" aria-live="polite">{announcement}</p>
        <Survey model={phase.model} />
      </main>
    </>
  );
}
