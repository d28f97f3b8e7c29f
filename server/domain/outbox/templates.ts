// Message wording: the default text of each kind, the fields a template may use, checking an evaluator's template, and rendering subject, text and HTML with every field escaped.
import Handlebars from 'handlebars';
import { ValidationError } from '../../../shared/errors';
import type { TemplateKind } from './kinds';

/** The fields a message template may name, each with what it holds. */
export const TEMPLATE_FIELDS = {
  name: "the DSL's name as imported",
  school: "the DSL's school",
  study: 'the trial title',
  wave: 'baseline, midpoint or endline',
  closes: 'when the wave closes, e.g. "the end of 31 March 2026" or "5pm on 31 March 2026"',
  link: "the DSL's own survey link",
  contact: 'who to contact (fieldwork settings)',
  opt_out_link: 'the link that stops reminders',
  session_date: 'session forms: the date of the supervision session, e.g. 8 August 2026',
  form_links: 'session forms: one line per form, its name and the DSL\'s own link',
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;
export type TemplateValues = Record<TemplateField, string>;

export interface MessageTemplate { subject: string; body: string }

const contactLine = '{{#if contact}}If you have a question about the study, contact {{contact}}.\n\n{{/if}}';
const optOutLine = 'To stop reminders about this survey, open {{opt_out_link}}';

export const DEFAULT_TEMPLATES: Record<TemplateKind, MessageTemplate> = {
  invitation: {
    subject: '{{study}}: your {{wave}} survey',
    body: `Dear {{name}},

You are invited to answer the {{wave}} survey of {{study}}, as the designated safeguarding lead at {{school}}.

Your answers are saved as you go, so you can stop and come back to it on any device.

Open your survey: {{link}}

This link is yours alone: please do not forward it. The survey closes at {{closes}}.

${contactLine}${optOutLine}
`,
  },
  reminder: {
    subject: 'Reminder: your {{study}} {{wave}} survey',
    body: `Dear {{name}},

You have not yet finished the {{wave}} survey of {{study}}. Your answers so far are kept: the link opens where you left off.

Open your survey: {{link}}

The survey closes at {{closes}}.

${contactLine}${optOutLine}
`,
  },
  session_forms: {
    subject: '{{study}}: your forms for the supervision session on {{session_date}}',
    body: `Dear {{name}},

Thank you for taking part in the supervision session on {{session_date}}. Please fill in your forms for it: they take a few minutes, and your answers help the study understand how supervision works.

{{form_links}}

These links are yours alone: please do not forward them.

${contactLine}`,
  },
  thank_you: {
    subject: 'Thank you: {{study}} {{wave}} survey',
    body: `Dear {{name}},

Thank you for answering the {{wave}} survey of {{study}}. Your answers have been received.

${contactLine}`,
  },
};

/** Checks a template before it is saved: only the known fields, only {{#if field}} blocks, no helpers or partials. */
export function checkTemplate(t: MessageTemplate): void {
  const problems: Array<{ pointer: string; detail: string }> = [];
  for (const part of ['subject', 'body'] as const) {
    const text = t[part];
    if (!text.trim()) { problems.push({ pointer: `/${part}`, detail: `Enter the ${part === 'subject' ? 'subject' : 'message text'}` }); continue; }
    if (part === 'subject' && /[\r\n]/.test(text)) problems.push({ pointer: '/subject', detail: 'The subject must be one line' });
    let ast: hbs.AST.Program;
    try { ast = Handlebars.parse(text); } catch (err) {
      problems.push({ pointer: `/${part}`, detail: `The ${part} is not a valid template: ${String((err as Error).message).split('\n')[0]}` });
      continue;
    }
    for (const p of templateProblems(ast)) problems.push({ pointer: `/${part}`, detail: p });
  }
  if (problems.length) throw new ValidationError(problems.map((p) => p.detail).join('\n'), problems);
}

/** A template for `kind` that must carry the survey link (invitations and reminders). */
export function checkTemplateFor(kind: TemplateKind, t: MessageTemplate): void {
  checkTemplate(t);
  if (kind === 'session_forms') {
    if (!/\{\{\s*form_links\s*\}\}/.test(t.body)) throw new ValidationError('The message text must include {{form_links}}, the DSL\'s links to their session forms', [{ pointer: '/body', detail: 'The message text must include {{form_links}}, the DSL\'s links to their session forms' }]);
    return;
  }
  if (kind !== 'thank_you' && !/\{\{\s*link\s*\}\}/.test(t.body)) {
    throw new ValidationError('The message text must include {{link}}, the DSL\'s survey link', [{ pointer: '/body', detail: 'The message text must include {{link}}, the DSL\'s survey link' }]);
  }
  if (kind === 'reminder' && !/\{\{\s*opt_out_link\s*\}\}/.test(t.body)) {
    throw new ValidationError('A reminder must include {{opt_out_link}}, so the DSL can stop reminders', [{ pointer: '/body', detail: 'A reminder must include {{opt_out_link}}, so the DSL can stop reminders' }]);
  }
}

function templateProblems(node: hbs.AST.Node): string[] {
  const out: string[] = [];
  const visit = (n: hbs.AST.Node): void => {
    switch (n.type) {
      case 'Program': for (const s of (n as hbs.AST.Program).body) visit(s); break;
      case 'ContentStatement': case 'CommentStatement': break;
      case 'MustacheStatement': {
        const m = n as hbs.AST.MustacheStatement;
        if (m.params.length || m.hash || m.path.type !== 'PathExpression' || !isField((m.path as hbs.AST.PathExpression).original)) {
          out.push(`{{${describe(m.path)}}} is not a field messages can use (use ${Object.keys(TEMPLATE_FIELDS).map((f) => `{{${f}}}`).join(', ')})`);
        }
        break;
      }
      case 'BlockStatement': {
        const b = n as hbs.AST.BlockStatement;
        const helper = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
        const arg = b.params[0];
        if (helper !== 'if' || b.params.length !== 1 || arg.type !== 'PathExpression' || !isField((arg as hbs.AST.PathExpression).original)) {
          out.push(`{{#${helper || 'block'}}} is not allowed: only {{#if field}} … {{/if}}`);
        } else {
          visit(b.program);
          if (b.inverse) visit(b.inverse);
        }
        break;
      }
      default: out.push('partials, decorators and raw blocks are not allowed in messages');
    }
  };
  visit(node);
  return out;
}

const isField = (name: string): name is TemplateField => Object.prototype.hasOwnProperty.call(TEMPLATE_FIELDS, name);
const describe = (p: hbs.AST.Node): string => (p.type === 'PathExpression' ? (p as hbs.AST.PathExpression).original : p.type);

/** Removes control characters (and so line breaks) from a value before it goes into a message. */
export function cleanValue(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function compile(text: string): HandlebarsTemplateDelegate {
  let fn = compiled.get(text);
  if (!fn) {
    fn = Handlebars.compile(text, { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers: { if: true }, data: false });
    if (compiled.size > 200) compiled.clear();
    compiled.set(text, fn);
  }
  return fn;
}

export interface RenderedMessage { subject: string; text: string; html: string }

/** Renders a checked template: values cleaned of control characters; the HTML part escapes everything and links only the two links. */
export function renderMessage(t: MessageTemplate, values: TemplateValues): RenderedMessage {
  // Every field is one line, but form_links: one line per form, each line cleaned.
  const clean = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k === 'form_links' ? v.split('\n').map(cleanValue).join('\n') : cleanValue(v)])) as TemplateValues;
  const subject = cleanValue(compile(t.subject)(clean)).slice(0, 250);
  const text = compile(t.body)(clean).replace(/\n{3,}/g, '\n\n').trim() + '\n';
  const links = [clean.link, clean.opt_out_link, ...[...clean.form_links.matchAll(/https?:\/\/\S+/g)].map((m) => m[0])].filter(Boolean);
  return { subject, text, html: textToHtml(text, links) };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Paragraphs from blank lines, every character escaped, and the message's own links made clickable. */
function textToHtml(text: string, links: string[]): string {
  const linkify = (escaped: string) => links.reduce((s, url) => {
    const e = escapeHtml(url);
    return s.split(e).join(`<a href="${e}">${e}</a>`);
  }, escaped);
  const paragraphs = text.trim().split(/\n{2,}/).map((p) => `<p>${linkify(escapeHtml(p)).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html lang="en-GB"><body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5">${paragraphs.join('\n')}</body></html>\n`;
}

/** "8 August 2026", as GOV.UK writes dates, in UK time. */
export function longDate(iso: string | Date): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
}

/**
 * When a wave closes, in words: a wave closing at midnight UTC (a date-only wave: "closes 2026-04-01" means the
 * last day is 31 March) reads "the end of 31 March 2026"; any other time reads "5pm on 31 March 2026" in UK time.
 */
export function closingText(iso: string): string {
  const d = new Date(iso);
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0) {
    return `the end of ${new Date(d.getTime() - 1000).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
  }
  const time = d.toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' }).replace(':00', '').replace(' ', '');
  return `${time} on ${longDate(d)}`;
}
