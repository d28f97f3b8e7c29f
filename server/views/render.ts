// Renders server-side pages: Handlebars (strict, escaped) page views inside the shared GOV.UK layout; used by staff pages, LA dashboards and `dslkit publish`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { dateText, dateTimeText, instrumentName } from './format';

export const viewsDir = path.dirname(fileURLToPath(import.meta.url));

/** One link in the service navigation bar. */
export interface NavItem { text: string; href: string; active: boolean }
/** One line in the GOV.UK error summary; href points at the field (#id) it is about, or is null. */
export interface ErrorItem { text: string; href: string | null }

/** The layout's own settings; every one is optional in a page model and defaulted by renderPage. */
export interface LayoutModel {
  /** Page title (the h1 is the view's own business). Required. */
  title: string;
  serviceName?: string;
  homeHref?: string;
  /** Signed-in staff member shown beside "Sign out"; null on public pages. */
  user?: { name: string; roleLabel: string } | null;
  /** The session's CSRF token: every form in a view must post it as `_csrf`. */
  csrfToken?: string | null;
  nav?: NavItem[];
  /** 'DEMO' when the page shows synthetic data, else 'BETA'. */
  phase?: 'DEMO' | 'BETA';
  phaseText?: string;
  errors?: ErrorItem[];
  backLink?: string | null;
  /** Where govuk-frontend.min.css, dslkit.css and assets/ are: '/govuk' on the site, a relative folder in a published copy. */
  assetBase?: string;
  /** Include the govuk-frontend JavaScript (never in published static pages). */
  scripts?: boolean;
  /** Let search engines index the page (published dashboards only). */
  indexable?: boolean;
  footerNote?: string | null;
  /** A one-view success message after a POST-redirect-GET (GOV.UK success notification banner). */
  flash?: { heading: string; body: string } | null;
}

const hb = Handlebars.create();
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('date', (iso: unknown) => dateText(typeof iso === 'string' ? iso : null));
hb.registerHelper('dateTime', (iso: unknown) => dateTimeText(typeof iso === 'string' ? iso : null));
hb.registerHelper('instrument', (key: unknown) => instrumentName(String(key)));
/** `{{#withUniqueId "table" as |id|}}`: an id unique within one rendered page ("table-1", "table-2"), the context unchanged; for captions that name a scrolling table's region. */
let idCounter = 0;
hb.registerHelper('withUniqueId', function (this: unknown, prefix: unknown, options: Handlebars.HelperOptions) {
  return options.fn(this, { data: options.data, blockParams: [`${String(prefix)}-${++idCounter}`] });
});
hb.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));

const compileOptions = { strict: true, noEscape: false } as const;
let partialsLoaded = false;
const cache = new Map<string, HandlebarsTemplateDelegate>();

function loadPartials(): void {
  if (partialsLoaded) return;
  const dir = path.join(viewsDir, 'partials');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.hbs'))) {
    hb.registerPartial(f.replace(/\.hbs$/, ''), hb.compile(fs.readFileSync(path.join(dir, f), 'utf8'), compileOptions));
  }
  partialsLoaded = true;
}

/** Adds a partial from another folder (e.g. an LA-dashboard chart partial); the name must not clash with ours. */
export function registerPartial(name: string, file: string): void {
  loadPartials();
  hb.registerPartial(name, hb.compile(fs.readFileSync(file, 'utf8'), compileOptions));
}

function template(file: string): HandlebarsTemplateDelegate {
  let t = cache.get(file);
  if (!t) {
    t = hb.compile(fs.readFileSync(file, 'utf8'), compileOptions);
    cache.set(file, t);
  }
  return t;
}

/** Resolves 'staff/trials' to server/views/staff/trials.hbs; an absolute path to a .hbs file is used as given. */
function viewFile(view: string): string {
  if (path.isAbsolute(view)) return view;
  if (!/^[a-z0-9/-]+$/.test(view)) throw new Error(`bad view name ${view}`);
  return path.join(viewsDir, `${view}.hbs`);
}

const layoutDefaults: Required<Omit<LayoutModel, 'title'>> = {
  serviceName: 'dslkit', homeHref: '/staff', user: null, csrfToken: null, nav: [], phase: 'BETA',
  phaseText: 'This is a new service. Check important numbers against the trial records.',
  errors: [], backLink: null, assetBase: '/govuk', scripts: true, indexable: false, footerNote: null, flash: null,
};

/** Renders a view (its model is everything in `model`) inside the layout. All {{text}} is HTML-escaped; missing fields throw. */
export function renderPage(view: string, model: LayoutModel & Record<string, unknown>): string {
  loadPartials();
  idCounter = 0;
  const full = { ...layoutDefaults, ...model } as Record<string, unknown>;
  if (full.phase === 'DEMO' && model.phaseText === undefined) full.phaseText = 'Demonstration: every school, person and answer on this page is synthetic.';
  full.isDemo = full.phase === 'DEMO';
  const body = template(viewFile(view))(full);
  return template(path.join(viewsDir, 'layout.hbs'))({ ...full, body });
}

/** Renders a view on its own (no layout), e.g. a fragment reused inside another page. */
export function renderFragment(view: string, model: Record<string, unknown>): string {
  loadPartials();
  return template(viewFile(view))(model);
}

export interface TableCell { text: string; numeric: boolean; href: string | null; header: boolean }
export interface TableModel { caption: string | null; head: Array<{ text: string; numeric: boolean }>; rows: TableCell[][]; empty: string }
type CellInput = string | number | null | { text: string | number | null; numeric?: boolean; href?: string | null; header?: boolean };

/** Builds the view-model for the `table` partial. Numbers become right-aligned text; null becomes an en dash. */
export function tableModel(caption: string | null, head: Array<string | { text: string; numeric?: boolean }>, rows: CellInput[][], empty = 'Nothing to show yet.'): TableModel {
  const text = (v: string | number | null) => (v === null ? '–' : String(v));
  return {
    caption,
    head: head.map((h) => (typeof h === 'string' ? { text: h, numeric: false } : { text: h.text, numeric: h.numeric ?? false })),
    rows: rows.map((r) => r.map((c) => {
      if (c !== null && typeof c === 'object') return { text: text(c.text), numeric: c.numeric ?? typeof c.text === 'number', href: c.href ?? null, header: c.header ?? false };
      return { text: text(c), numeric: typeof c === 'number', href: null, header: false };
    })),
    empty,
  };
}
