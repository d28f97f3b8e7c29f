// `dslkit import schools|dsls|outcomes|attendance|responses|covariates <file.csv>`: all-or-nothing CSV imports with one message per bad line.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, stringOption, requiredString, type CliCommand, type CliContext } from '../command';
import { importSchools } from '../../storage/school-repo';
import { importDsls } from '../../storage/dsl-repo';
import { importOutcomesInChunks } from '../../storage/chunked-outcome-import';
import { importAttendance } from '../../storage/attendance-import-repo';
import { importSurveyReturns } from '../../storage/paper-response-import-repo';
import { importCovariates } from '../../storage/covariate-repo';
import { COVARIATES, MISSING_CODES } from '../../domain/imports/covariates';

const KINDS = ['schools', 'dsls', 'outcomes', 'attendance', 'responses', 'covariates'] as const;

function counts(r: { added: number; changed: number; unchanged: number }): string {
  return `${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged`;
}

export const command: CliCommand = {
  name: 'import',
  summary: 'import schools (GIAS CSV), a DSL roster, LA administrative outcomes, supervisors\' attendance records, paper survey returns or school covariates (FSM, EAL, SEN, KS2)',
  usage: 'import schools <schools.csv> [--trial <id>]\n       dslkit import dsls <roster.csv> --trial <id>\n       dslkit import outcomes <outcomes.csv>\n       dslkit import attendance --trial <id> <attendance.csv>\n       dslkit import responses --trial <id> --wave <name> <returns.csv> [--entered-by <who>] [--date YYYY-MM-DD]\n       dslkit import covariates --trial <id> <covariates.csv>',
  description: `
Every line is checked first; if any is wrong, each bad line is reported (file: line N: column, problem),
nothing is written and the exit code is 1. A valid file of schools or DSLs is written in one transaction;
outcomes (often hundreds of thousands of counts) are written in transactions of at most 2,000 rows or
20 ms with a pause between them, so the server keeps taking survey answers during the import, and the import stays all or
nothing: if it fails or is stopped part-way, the rows it wrote are put back as they were (at once on an
error; by the next import, or the server at start, if the process was killed). Importing the same file
again changes nothing ("0 added, 0 changed, N unchanged"). Each import is recorded in the audit log with
the file's SHA-256 and counts (never names or emails).

schools   GIAS "Get Information About Schools" columns: URN, EstablishmentName, LA (code), LA (name),
          TypeOfEstablishment (name), PhaseOfEducation (name), NumberOfPupils, PercentageFSM,
          UrbanRural (name), OfstedRating (name). Other columns are ignored; the last six may be blank.
          --trial also enrols the schools in that trial.
dsls      Columns URN, Name, Email, Role (headteacher, deputy headteacher, assistant headteacher,
          pastoral manager, senco, teacher, other; blank allowed). Schools must be enrolled in --trial.
          Each DSL gets a pseudonymous id (dsl-xxxxxxxxxx); names and emails are kept apart from it.
outcomes  LA administrative counts per school and month, long (URN,Period,Measure,Count) or wide
          (URN,Period,contacts,contacts_nfa,...). Period is YYYY-MM. Measures: contacts, contacts_nfa,
          referrals, referrals_nfa, early_help, cin, s47, looked_after, csa_contacts.
attendance
          Supervisors' attendance records, one row per session at one school. Columns URN, Date (YYYY-MM-DD,
          not after today), Type (introduction, formal, adhoc), Mode (face_to_face, online, phone, email),
          Minutes (1 to 1440), DSLs present (DSL ids separated by ';', e.g. dsl-abc;dsl-def, or a count such
          as 2 when the sheet has no names). A session already logged for the same school, date and type is
          counted as already present, not added again. Schools must be in the trial's intervention arm.
responses Paper or legacy survey returns for one wave, one row per DSL: dsl_id, date (YYYY-MM-DD, the day
          the DSL completed it; or --date for every row) and one column per item id of the wave's
          instruments (e.g. pss10_01 … pss10_10; blank = unanswered; other columns are ignored). Each row
          is checked and scored as a web submission is (the same missing-item rules: a blank a scale
          cannot spare is an error at that column) and stored as a complete response marked paper, with
          who entered it (--entered-by, default the CLI user) and the date. The DSL must have been
          invited to the wave and have no response to it yet; a row the same as a paper return already
          imported counts as unchanged. Response rates count paper returns as complete and say how many.
covariates
          School covariates beyond GIAS for the trial's schools (Bolton Table 2), one row per school: URN and
          one or more of the DfE columns ${COVARIATES.map((c) => c.column).join(', ')}
          (${COVARIATES.map((c) => c.key.replace(/_/g, ' ')).join(', ')}; any case, e.g. pnumfsmever). Each is a percentage
          from 0 to 100 (a trailing % is allowed); a blank cell, or a DfE code (${MISSING_CODES.join(', ')}),
          is stored as missing with its reason. Other columns are ignored (and listed). Every URN must be a
          school of --trial, once. The file's name, SHA-256, date and columns are kept as the values'
          provenance (the export's codebook names it). A value that differs from the one held replaces it,
          except the FSM variable a locked randomisation blocked on (--fsm-column), which cannot change.`,
  options: [
    { name: 'wave', type: 'string', valueName: '<name>', description: 'wave the returns answer (responses: baseline, midpoint or endline)' },
    { name: 'entered-by', type: 'string', valueName: '<who>', description: 'who typed the returns in (responses; default the CLI user)' },
    { name: 'date', type: 'string', valueName: '<YYYY-MM-DD>', description: 'the date the returns were completed, for rows without a date (responses)' },
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial to enrol schools in (schools), add DSLs to (dsls; required) or add sessions to (attendance; required) or import returns into (responses; required) or covariates into (covariates; required)' },
  ],
  usesDb: true,
  async run(ctx: CliContext) {
    const [kind, file, ...extra] = ctx.positionals;
    if (!kind) throw new UsageError(`say what to import: ${KINDS.join(', ')}`);
    if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`cannot import "${kind}" (use ${KINDS.join(', ')})`);
    if (!file) throw new UsageError(`name the CSV file to import: dslkit import ${kind} <file.csv>`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const text = fs.readFileSync(file, 'utf8');
    const source = path.basename(file);
    const at = ctx.clock().toISOString();
    const db = ctx.openDb();
    if (kind === 'schools') {
      const r = importSchools(db, text, { source, actor: ctx.actor, at, trialId: stringOption(ctx, 'trial') });
      ctx.io.stdout(`${source}: ${r.rows} schools: ${counts(r)}${stringOption(ctx, 'trial') ? `; ${r.enrolled} newly enrolled in ${stringOption(ctx, 'trial')}` : ''}\n`);
    } else if (kind === 'dsls') {
      const r = importDsls(db, text, { trialId: requiredString(ctx, 'trial'), source, actor: ctx.actor, at, randomBytes: crypto.randomBytes });
      ctx.io.stdout(`${source}: ${r.rows} DSLs: ${counts(r)}\n`);
    } else if (kind === 'attendance') {
      const r = importAttendance(db, text, { trialId: requiredString(ctx, 'trial'), source, actor: ctx.actor, at });
      ctx.io.stdout(`${source}: ${r.rows} sessions: ${r.added} added, ${r.alreadyPresent} already present\n`);
    } else if (kind === 'responses') {
      const enteredBy = stringOption(ctx, 'entered-by') ?? ctx.actor;
      if (!enteredBy.trim() || enteredBy.length > 200) throw new UsageError('--entered-by must be 1 to 200 characters');
      const r = importSurveyReturns(db, text, { trialId: requiredString(ctx, 'trial'), wave: requiredString(ctx, 'wave'), source, enteredBy: enteredBy.trim(), date: stringOption(ctx, 'date'), actor: ctx.actor, at });
      ctx.io.stdout(`${source}: ${r.rows} returns: ${r.added} added as paper responses, ${r.unchanged} unchanged\n`);
    } else if (kind === 'covariates') {
      const r = importCovariates(db, text, { trialId: requiredString(ctx, 'trial'), source, actor: ctx.actor, at });
      const ignored = r.ignored.length ? `; ${r.ignored.length} other column${r.ignored.length === 1 ? '' : 's'} ignored (${r.ignored.slice(0, 5).map((c) => `"${c.slice(0, 40)}"`).join(', ')}${r.ignored.length > 5 ? ', ...' : ''})` : '';
      ctx.io.stdout(`${source}: ${r.rows} schools, ${r.covariates.map((c) => c.column).join(', ')}: ${r.added} values added, ${r.changed} changed, ${r.unchanged} unchanged${ignored}\n`);
    } else {
      if (stringOption(ctx, 'trial')) throw new UsageError('outcomes belong to schools, not a trial: drop --trial');
      const r = await importOutcomesInChunks(db, text, source, ctx.actor, at);
      if (r.rolledBack.length) ctx.io.stdout(`rolled back ${r.rolledBack.length} earlier outcome import${r.rolledBack.length === 1 ? '' : 's'} that had stopped part-way (number ${r.rolledBack.join(', ')})\n`);
      ctx.io.stdout(`${source}: ${r.rows} counts for ${r.schools} schools, ${r.periods[0]} to ${r.periods[1]}: ${counts(r)} (in ${r.chunks} chunk${r.chunks === 1 ? '' : 's'})\n`);
    }
    return 0;
  },
};
