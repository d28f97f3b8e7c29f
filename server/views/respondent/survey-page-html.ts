// Renders one page of a wave's SurveyJS JSON as a plain HTML form (GOV.UK patterns) that works without JavaScript, so a DSL sees and can answer the questions before the survey script has arrived; the script then takes over with whatever was answered.
export type SurveyJson = { pages?: PageJson[] } & Record<string, unknown>;
interface PageJson { name?: string; title?: unknown; elements?: ElementJson[] }
interface ElementJson {
  type?: string; name?: string; title?: unknown; description?: unknown; html?: unknown; elements?: ElementJson[];
  choices?: unknown[]; rateValues?: unknown[]; rateMin?: number; rateMax?: number; rateStep?: number;
  minRateDescription?: unknown; maxRateDescription?: unknown; inputType?: string; min?: unknown; max?: unknown; step?: unknown;
  maxLength?: number; isRequired?: boolean; visibleIf?: unknown; visible?: unknown;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** SurveyJS text may be a string or a localisable {default, en, ...} object. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    return String(v.en ?? v['en-GB'] ?? v.default ?? '');
  }
  return value === undefined || value === null ? '' : String(value);
}

/** Choice value and label: SurveyJS accepts a bare value or {value, text}. */
function choiceOf(c: unknown): { value: unknown; text: string } {
  if (c && typeof c === 'object' && 'value' in (c as Record<string, unknown>)) {
    const o = c as { value: unknown; text?: unknown };
    return { value: o.value, text: textOf(o.text ?? o.value) };
  }
  return { value: c, text: textOf(c) };
}

function rateChoices(el: ElementJson): { value: unknown; text: string }[] {
  if (Array.isArray(el.rateValues) && el.rateValues.length) return el.rateValues.map(choiceOf);
  const min = el.rateMin ?? 1;
  const max = el.rateMax ?? 5;
  const step = el.rateStep ?? 1;
  const out: { value: unknown; text: string }[] = [];
  for (let v = min; v <= max && out.length < 100; v += step) out.push({ value: v, text: String(v) });
  return out;
}

/** The element types this renderer draws; a page with anything else (or a condition) is left to the script. */
const drawn = new Set(['html', 'rating', 'radiogroup', 'text', 'comment', 'panel']);

function renderable(elements: ElementJson[] | undefined): boolean {
  return (elements ?? []).every((el) => drawn.has(String(el.type)) && el.visibleIf === undefined && el.visible === undefined
    && (el.type !== 'panel' || renderable(el.elements)));
}

const same = (a: unknown, b: unknown) => a !== undefined && a !== null && String(a) === String(b);

function field(el: ElementJson, data: Record<string, unknown>, seq: { n: number }): string {
  const name = String(el.name ?? '');
  const id = `dk-ssr-${seq.n++}`;
  const title = escapeHtml(textOf(el.title ?? name));
  const hint = textOf(el.description) ? `<p class="dk-ssr-hint" id="${id}-hint">${escapeHtml(textOf(el.description))}</p>` : '';
  const value = data[name];
  switch (el.type) {
    case 'html':
      // dslkit's own instrument text (survey.json in the repository), drawn as SurveyJS would draw it
      return `<div class="dk-ssr-html">${textOf(el.html)}</div>`;
    case 'panel':
      return `<fieldset class="dk-ssr-panel"><legend>${title}</legend>${(el.elements ?? []).map((e) => field(e, data, seq)).join('')}</fieldset>`;
    case 'rating':
    case 'radiogroup': {
      const choices = el.type === 'rating' ? rateChoices(el) : (el.choices ?? []).map(choiceOf);
      const ends = el.type === 'rating' && (el.minRateDescription || el.maxRateDescription)
        ? `<p class="dk-ssr-hint" id="${id}-hint">${escapeHtml([textOf(el.minRateDescription), textOf(el.maxRateDescription)].filter(Boolean).join(', '))}</p>` : hint;
      const items = choices.map((c, i) => `<div class="dk-ssr-radio"><input class="dk-ssr-radio__input" type="radio" id="${id}-${i}" name="${escapeHtml(name)}" value="${escapeHtml(c.value)}"${same(value, c.value) ? ' checked' : ''}><label class="dk-ssr-radio__label" for="${id}-${i}">${escapeHtml(c.text)}</label></div>`).join('');
      return `<div class="dk-ssr-q" id="q-${escapeHtml(name)}" data-name="${escapeHtml(name)}"><fieldset class="dk-ssr-fieldset"${ends ? ` aria-describedby="${id}-hint"` : ''}><legend class="dk-ssr-legend">${title}</legend>${ends}<div class="dk-ssr-radios${el.type === 'rating' ? ' dk-ssr-radios--scale' : ''}">${items}</div></fieldset></div>`;
    }
    case 'comment':
      return `<div class="dk-ssr-q" id="q-${escapeHtml(name)}" data-name="${escapeHtml(name)}"><label class="dk-ssr-label" for="${id}">${title}</label>${hint}<textarea class="dk-ssr-textarea" id="${id}" name="${escapeHtml(name)}" rows="4"${el.maxLength ? ` maxlength="${Number(el.maxLength)}"` : ''}${hint ? ` aria-describedby="${id}-hint"` : ''}>${escapeHtml(value ?? '')}</textarea></div>`;
    default: { // text
      const type = ['number', 'date', 'email', 'tel'].includes(String(el.inputType)) ? String(el.inputType) : 'text';
      const attrs = [
        type === 'number' && el.min !== undefined ? ` min="${escapeHtml(el.min)}"` : '', type === 'number' && el.max !== undefined ? ` max="${escapeHtml(el.max)}"` : '',
        type === 'number' ? ` step="${escapeHtml(el.step ?? 'any')}" inputmode="decimal"` : '', el.maxLength ? ` maxlength="${Number(el.maxLength)}"` : '',
      ].join('');
      return `<div class="dk-ssr-q" id="q-${escapeHtml(name)}" data-name="${escapeHtml(name)}"><label class="dk-ssr-label" for="${id}">${title}</label>${hint}<input class="dk-ssr-input" type="${type}" id="${id}" name="${escapeHtml(name)}" value="${escapeHtml(value ?? '')}"${attrs}${hint ? ` aria-describedby="${id}-hint"` : ''}></div>`;
    }
  }
}

/** "Page 4 of 9" and the page's title: the words the progress line and the page heading use, server and client alike. */
export function pageLabel(survey: SurveyJson, pageIndex: number): { position: string; title: string } {
  const pages = survey.pages ?? [];
  const page = pages[pageIndex];
  return { position: `Page ${pageIndex + 1} of ${pages.length}`, title: textOf(page?.title ?? page?.name ?? '') };
}

/** A problem to show in the GOV.UK error summary: its text, and the question it is about (if on this page). */
export interface PageError { text: string; question?: string }

/**
 * The page's questions as a form that posts to the link itself (POST /s/:token: saves, then shows the next page),
 * with the saved answers ticked and any errors summarised; or undefined when the page has something this
 * renderer does not draw (the script then draws it alone). Question wrappers carry data-name like SurveyJS's and
 * input names are the question names, so the script can read what was answered before it took over.
 */
export function renderSurveyPageHtml(survey: SurveyJson, pageIndex: number, data: Record<string, unknown>, errors: PageError[] = []): string | undefined {
  const pages = survey.pages ?? [];
  const page = pages[pageIndex];
  if (!page || !renderable(page.elements)) return undefined;
  const { position, title } = pageLabel(survey, pageIndex);
  const seq = { n: 0 };
  const last = pageIndex === pages.length - 1;
  const summary = errors.length ? `<div class="dk-error-summary" role="alert" tabindex="-1"><h2 class="dk-error-summary__title">There is a problem</h2><ul>${errors.map((e) => `<li>${e.question ? `<a href="#q-${escapeHtml(e.question)}">${escapeHtml(e.text)}</a>` : escapeHtml(e.text)}</li>`).join('')}</ul></div>` : '';
  const buttons = `<div class="dk-ssr-buttons">${last ? '<button class="dk-ssr-button" type="submit" name="nav" value="submit">Send my answers</button>' : '<button class="dk-ssr-button" type="submit" name="nav" value="next">Save and continue</button>'}${pageIndex > 0 ? '<button class="dk-ssr-button dk-ssr-button--secondary" type="submit" name="nav" value="previous">Previous page</button>' : ''}</div>`;
  return `${summary}<h2 class="dk-page-heading" tabindex="-1"><span class="dk-caption">${escapeHtml(position)}:</span> ${escapeHtml(title)}</h2>
<form class="dk-ssr-form" id="dk-ssr-form" method="post" action="" novalidate>
<input type="hidden" name="page" value="${pageIndex}">
${(page.elements ?? []).map((el) => field(el, data, seq)).join('\n')}
${buttons}
</form>`;
}

/** What the DSL sees once the answers are in (the client's CompletionPage says the same). */
export const thankYouHtml = `<h1 tabindex="-1">Thank you</h1>
<p>Your answers have been sent. Thank you for the time you have given to this evaluation: it helps us learn how best to support Designated Safeguarding Leads.</p>
<h2>Looking after yourself</h2>
<p>Safeguarding work can be demanding. If anything in this survey has been on your mind, or you would simply like to talk to someone, Education Support runs a free and confidential helpline for everyone working in education, open 24 hours a day, every day.</p>
<ul><li>Call <a href="tel:08000562561">08000 562 561</a></li><li>Visit <a href="https://www.educationsupport.org.uk/">educationsupport.org.uk</a></li></ul>
<p>You can close this page now.</p>`;
