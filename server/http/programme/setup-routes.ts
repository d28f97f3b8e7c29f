// Staff pages to set up a programme outside a trial: list and create programmes, add a package with its settings. Evaluators and admins for any LA, LA officers for their own LA only (404 otherwise); audited by programme-repo.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from '../staff/route-table';
import { authOf } from '../staff/auth';
import { field } from '../staff/body';
import { sendPage } from '../staff/page';
import { actorOf, type Role, type StaffUser } from '../../domain/auth/roles';
import { DslkitError, NotFoundError } from '../../../shared/errors';
import { parsePounds, pounds } from '../../domain/programme/year-end';
import { addPackage, createProgramme, getProgramme, loadProgrammeFacts, type Programme } from '../../storage/programme-repo';
import { countSchoolsInLa, listLocalAuthorities, listProgrammes, urnsOutsideLa } from '../../storage/programme-setup-repo';
import { tableModel, type ErrorItem } from '../../views/render';

const setupRoles: readonly Role[] = ['admin', 'evaluator', 'la_officer'];
/** The offer the package form starts from (seed 004, Essex). */
const OFFER_TEXT = 'The Essex offer (seed 004): £1,500 a year buys 10 two-hour sessions, and up to four settings may share one package and its price.';

const CREATE_FIELDS = ['id', 'title', 'la', 'year'] as const;
const PACKAGE_FIELDS = ['name', 'price', 'sessions', 'minutes', 'maxSettings', 'urns'] as const;
type CreateForm = Record<(typeof CREATE_FIELDS)[number], string>;
type PackageForm = Record<(typeof PACKAGE_FIELDS)[number], string>;

const wholeNumber = (label: string, min: number, max: number) => z.string().regex(/^\d{1,6}$/, { error: `Enter ${label} as a whole number` })
  .transform(Number).pipe(z.number().min(min, { error: `${label[0].toUpperCase()}${label.slice(1)} must be ${min} or more` }).max(max, { error: `${label[0].toUpperCase()}${label.slice(1)} must be ${max} or less` }));

const academicYear = z.string().regex(/^\d{4}\/\d{2}$/, { error: 'Enter the academic year like 2025/26' })
  .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), { error: 'The second year must follow the first, like 2025/26' });

export const createProgrammeSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'Enter a short id of lower-case letters, digits and hyphens, like essex-2025' }),
  title: z.string().min(1, { error: 'Enter a title' }).max(200, { error: 'The title must be 200 characters or fewer' }),
  la: z.string().min(1, { error: 'Select the local authority running the programme' }),
  year: academicYear,
});

export const packageSchema = z.object({
  name: z.string().min(1, { error: 'Enter a name for the package' }).max(120, { error: 'The package name must be 120 characters or fewer' }),
  price: z.string().transform(parsePounds).pipe(z.number({ error: 'Enter the price in pounds, like 1500 or 1,500.00' }).int().min(0)),
  sessions: wholeNumber('the number of sessions', 1, 100),
  minutes: wholeNumber('the session length in minutes', 1, 1440),
  maxSettings: wholeNumber('the most settings that may share the package', 1, 20),
  urns: z.string().transform((s) => s.split(/[\s,;]+/).filter(Boolean)).pipe(z.array(z.string().regex(/^\d{1,9}$/, { error: 'Each setting must be a school URN (digits only)' }))
    .min(1, { error: 'Enter the URN of at least one setting sharing the package' })).transform((list) => list.map(Number)),
});

/** Zod problems as GOV.UK error-summary items (first problem per field, linking to it) and the per-field messages. */
function problemsOf(issues: z.core.$ZodIssue[], fields: readonly string[]): { errors: ErrorItem[]; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = Object.fromEntries(fields.map((f) => [f, '']));
  const errors: ErrorItem[] = [];
  for (const i of issues) {
    const f = String(i.path[0] ?? fields[0]);
    if (fieldErrors[f]) continue;
    fieldErrors[f] = i.message;
    errors.push({ text: i.message, href: `#${f}` });
  }
  return { errors, fieldErrors };
}

const noErrors = (fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, ''])) as Record<string, string>;
const by = (res: Response, deps: AppDeps) => ({ actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
const ownLa = (user: StaffUser) => (user.role === 'la_officer' ? user.laCode : null);

/** The programme in the URL if this user may set it up (officers: their own LA only), else 404. */
function programmeOr404(req: Request, res: Response, deps: AppDeps): Programme {
  const { user } = authOf(res);
  const p = getProgramme(deps.db, String((req.params as Record<string, string>).programmeId ?? ''));
  if (!p || (user.role === 'la_officer' && user.laCode !== p.laCode)) throw new NotFoundError('There is no such programme.');
  return p;
}

function listPage(req: Request, res: Response, deps: AppDeps, extra: { form?: CreateForm; errors?: ErrorItem[]; fieldErrors?: Record<string, string> } = {}, status = 200): void {
  const { user } = authOf(res);
  const la = ownLa(user);
  const las = listLocalAuthorities(deps.db).filter((x) => !la || x.code === la);
  const form = extra.form ?? { id: '', title: '', la: la ?? '', year: '' };
  const programmes = listProgrammes(deps.db, la);
  sendPage(req, res, 'programme/setup/list', {
    title: 'Programmes outside a trial', errors: extra.errors ?? [], fieldErrors: extra.fieldErrors ?? noErrors(CREATE_FIELDS), form, officerLa: la ? las[0] ?? null : null,
    laChoices: las.map((x) => ({ ...x, selected: x.code === form.la })), 
    programmes: tableModel('Programmes', ['Programme', 'Local authority', 'Academic year', { text: 'Packages', numeric: true }, { text: 'Settings', numeric: true }, 'Report'],
      programmes.map((p) => [{ text: `${p.title}${p.isDemo ? ' (synthetic demo)' : ''}`, href: `/staff/programmes/${p.id}`, header: true }, p.laName, p.academicYear, p.packages, p.settings,
        { text: 'Year-end report', href: `/staff/programmes/${p.id}/report` }]), 'No programmes yet.'),
  }, status);
}

function programmePage(req: Request, res: Response, deps: AppDeps, p: Programme, extra: { form?: PackageForm; errors?: ErrorItem[]; fieldErrors?: Record<string, string>; notice?: string } = {}, status = 200): void {
  const facts = loadProgrammeFacts(deps.db, p.id);
  const names = new Map(facts.settings.map((s) => [s.urn, s.name]));
  const form = extra.form ?? { name: '', price: '1,500', sessions: '10', minutes: '120', maxSettings: '4', urns: '' };
  sendPage(req, res, 'programme/setup/show', {
    title: p.title, phase: p.isDemo ? 'DEMO' : 'BETA', backLink: '/staff/programmes', programme: p, notice: extra.notice ?? '',
    errors: extra.errors ?? [], fieldErrors: extra.fieldErrors ?? noErrors(PACKAGE_FIELDS), form, schoolsInLa: countSchoolsInLa(deps.db, p.laCode), offer: OFFER_TEXT,
    canImportSchools: authOf(res).user.role !== 'la_officer', // importing schools is the evaluation team's (dslkit import schools)
    packages: tableModel('Packages', ['Package', { text: 'Price', numeric: true }, { text: 'Sessions', numeric: true }, { text: 'Minutes each', numeric: true }, { text: 'Up to', numeric: true }, 'Settings sharing it'],
      facts.packages.map((k) => [{ text: k.name, header: true }, { text: pounds(k.pricePence), numeric: true }, k.sessionsIncluded, k.sessionMinutes, k.maxSettings,
        k.urns.map((u) => `${names.get(u) ?? 'School'} (${u})`).join('; ')]), 'No packages yet: add the first below.'),
  }, status);
}

export const programmeSetupRoutes: readonly StaffRoute[] = [
  { method: 'get', path: '/programmes', roles: setupRoles, summary: 'programmes outside a trial and the form to create one (officers: own LA)', handler: (req, res, deps) => listPage(req, res, deps) },
  {
    method: 'post', path: '/programmes', roles: setupRoles, summary: 'create a programme outside a trial (officers: own LA only)',
    handler: (req, res, deps) => {
      const { user } = authOf(res);
      const form = Object.fromEntries(CREATE_FIELDS.map((f) => [f, field(req, f)])) as CreateForm;
      if (ownLa(user)) form.la = ownLa(user)!; // an officer's programme is always their own LA's
      const parsed = createProgrammeSchema.safeParse(form);
      if (!parsed.success) { listPage(req, res, deps, { form, ...problemsOf(parsed.error.issues, CREATE_FIELDS) }, 400); return; }
      if (!listLocalAuthorities(deps.db).some((x) => x.code === parsed.data.la)) {
        listPage(req, res, deps, { form, errors: [{ text: 'Select a local authority from the list', href: '#la' }], fieldErrors: { ...noErrors(CREATE_FIELDS), la: 'Select a local authority from the list' } }, 400);
        return;
      }
      try {
        const p = createProgramme(deps.db, { id: parsed.data.id, title: parsed.data.title, laCode: parsed.data.la, academicYear: parsed.data.year, ...by(res, deps) });
        res.redirect(303, `/staff/programmes/${p.id}`);
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        const text = err.message.split('\n')[0];
        listPage(req, res, deps, { form, errors: [{ text, href: '#id' }], fieldErrors: { ...noErrors(CREATE_FIELDS), id: text } }, err.status);
      }
    },
  },
  { method: 'get', path: '/programmes/:programmeId', roles: setupRoles, summary: 'a programme: its packages and the form to add one (officers: own LA)', handler: (req, res, deps) => programmePage(req, res, deps, programmeOr404(req, res, deps)) },
  {
    method: 'post', path: '/programmes/:programmeId/packages', roles: setupRoles, summary: 'add a package and the settings sharing it (officers: own LA)',
    handler: (req, res, deps) => {
      const p = programmeOr404(req, res, deps);
      const form = Object.fromEntries(PACKAGE_FIELDS.map((f) => [f, field(req, f)])) as PackageForm;
      const parsed = packageSchema.safeParse(form);
      if (!parsed.success) { programmePage(req, res, deps, p, { form, ...problemsOf(parsed.error.issues, PACKAGE_FIELDS) }, 400); return; }
      const d = parsed.data;
      const outside = urnsOutsideLa(deps.db, p.laCode, d.urns);
      const fail = (text: string, f: (typeof PACKAGE_FIELDS)[number], status: number) => programmePage(req, res, deps, p, { form, errors: [{ text, href: `#${f}` }], fieldErrors: { ...noErrors(PACKAGE_FIELDS), [f]: text } }, status);
      // an LA officer cannot import schools: they are told who can, never to run a command only the evaluation team has
      const remedy = authOf(res).user.role === 'la_officer' ? 'check the URN, or ask the evaluation team to import the school' : 'check the URN, or import the LA\'s schools first (dslkit import schools)';
      if (outside.length) { fail(`URN ${outside.join(', ')} is not a school of ${p.laName} known to dslkit: ${remedy}`, 'urns', 400); return; }
      try {
        addPackage(deps.db, p.id, { name: d.name, pricePence: d.price, sessionsIncluded: d.sessions, sessionMinutes: d.minutes, maxSettings: d.maxSettings, urns: d.urns, ...by(res, deps) });
        programmePage(req, res, deps, p, { notice: `Added ${d.name}: ${pounds(d.price)} for ${d.sessions} sessions, shared by ${d.urns.length} setting${d.urns.length === 1 ? '' : 's'}.` });
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        const text = err.message.split('\n')[0];
        fail(`${text[0].toUpperCase()}${text.slice(1)}.`.replace(/\.\.$/, '.'), /setting|URN|shared/i.test(text) ? 'urns' : 'name', err.status);
      }
    },
  },
];
