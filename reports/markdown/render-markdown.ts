// Renders the Markdown evaluators write for report sections as HTML that cannot carry markup of its own: every input character is escaped, only a fixed set of tags is written, and links go only to http(s) and mailto.
//
// The subset (CommonMark's everyday part): paragraphs, hard line breaks (two trailing spaces or a backslash),
// # headings, - * + bullet and 1. 1) numbered lists (nested by indentation), > quotes, ``` code blocks, ---
// rules, **strong**, *emphasis* / _emphasis_, `code`, [text](https://…) and <https://…> links, \ escapes.
// Raw HTML and entities are not interpreted: "<b>" and "&amp;" print as typed. A link to any other scheme
// (javascript:, data:, file:, vbscript: …) prints its text only, and is reported to onRejectedLink.

export interface MarkdownOptions {
  /** The HTML level of a "#" heading (deeper ones follow, at most h6); default 3, under a report section's h2. */
  headingBase?: number;
  /** Called with each link destination that was not rendered as a link (not http, https or mailto). */
  onRejectedLink?: (url: string) => void;
}

export type MarkdownBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; start: number; tight: boolean; items: MarkdownBlock[][] }
  | { kind: 'quote'; blocks: MarkdownBlock[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** http://, https:// or mailto: followed by at least one character, with no spaces or control characters. */
export function isAllowedUrl(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^(https?:\/\/[^\s\u0000-\u001f\u007f]+|mailto:[^\s\u0000-\u001f\u007f]+)$/i.test(url);
}

// ---- blocks --------------------------------------------------------------------------------------

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(```+|~~~+)/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,3})([-*+]|(\d{1,9})[.)])([ \t]+|$)(.*)$/;

const isBlank = (line: string) => line.trim() === '';
const indentOf = (line: string) => line.length - line.replace(/^ +/, '').length;

interface ItemStart { indent: number; contentIndent: number; bullet: string; ordered: boolean; number: number; first: string }

function itemStart(line: string): ItemStart | null {
  const m = ITEM.exec(line.replace(/\t/g, '    '));
  if (!m) return null;
  const ordered = m[3] !== undefined;
  const spaces = m[4].length === 0 ? 1 : m[4].length > 4 ? 1 : m[4].length;
  return { indent: m[1].length, contentIndent: m[1].length + m[2].length + spaces, bullet: ordered ? m[2].slice(-1) : m[2], ordered, number: ordered ? Number(m[3]) : 1, first: m[5] };
}

/** Whether a line would start a new block (so it ends the paragraph above it). */
function interrupts(line: string): boolean {
  if (HEADING.test(line) || RULE.test(line) || FENCE.test(line) || QUOTE.test(line)) return true;
  const item = itemStart(line);
  return item !== null && item.first.trim() !== '' && (!item.ordered || item.number === 1);
}

/** Splits Markdown text into blocks (exported so the key conclusions can be read item by item). */
export function parseBlocks(text: string): MarkdownBlock[] {
  return blocksOf(text.replace(/\r\n?/g, '\n').replace(/\u0000/g, '\ufffd').split('\n'));
}

function blocksOf(lines: string[]): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) { i++; continue; }
    const heading = HEADING.exec(line);
    if (heading) { blocks.push({ kind: 'heading', level: heading[1].length, text: (heading[2] ?? '').trim() }); i++; continue; }
    if (RULE.test(line) && !itemStart(line)?.first.trim()) { blocks.push({ kind: 'rule' }); i++; continue; }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i++]);
      i++; // the closing fence (or the end of the text)
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) inner.push(QUOTE.exec(lines[i++])![1]);
      blocks.push({ kind: 'quote', blocks: blocksOf(inner) });
      continue;
    }
    const item = itemStart(line);
    if (item) { i = readList(lines, i, item, blocks); continue; }
    const para: string[] = [line];
    i++;
    while (i < lines.length && !isBlank(lines[i]) && !interrupts(lines[i])) para.push(lines[i++]);
    blocks.push({ kind: 'paragraph', text: para.map((l) => l.replace(/^[ \t]+/, '')).join('\n') });
  }
  return blocks;
}

/** Reads one list from line i; returns the index after it. */
function readList(lines: string[], i: number, first: ItemStart, out: MarkdownBlock[]): number {
  const items: string[][] = [];
  let tight = true;
  let current = first;
  while (i < lines.length) {
    const body: string[] = [current.first];
    i++;
    let sawBlank = false;
    while (i < lines.length) {
      const line = lines[i].replace(/\t/g, '    ');
      if (isBlank(line)) { sawBlank = true; body.push(''); i++; continue; }
      const next = itemStart(line);
      if (indentOf(line) >= current.contentIndent) { if (sawBlank) tight = false; body.push(line.slice(current.contentIndent)); sawBlank = false; i++; continue; }
      if (next && next.indent < current.contentIndent) break;
      if (sawBlank || interrupts(line)) break;
      body.push(line.trimStart()); // a lazy continuation of the item's paragraph
      i++;
    }
    let trailingBlank = false;
    while (body.length && body[body.length - 1] === '') { body.pop(); trailingBlank = true; }
    items.push(body);
    // Blank lines before a following item of the same list make it loose; anything else ends the list.
    let j = i;
    while (j < lines.length && isBlank(lines[j])) j++;
    const next = j < lines.length ? itemStart(lines[j]) : null;
    if (!next || next.ordered !== first.ordered || next.bullet !== first.bullet || next.indent >= current.contentIndent) { break; }
    if (j > i || trailingBlank) tight = false;
    i = j;
    current = next;
  }
  out.push({ kind: 'list', ordered: first.ordered, start: first.number, tight, items: items.map((b) => blocksOf(b)) });
  return i;
}

// ---- inline --------------------------------------------------------------------------------------

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

interface InlineContext { options: MarkdownOptions; inLink: boolean }

/** The link at text[i] ('['): label, destination and the index after it, or null when it is not a link. */
function linkAt(text: string, i: number): { label: string; url: string; end: number } | null {
  let depth = 0;
  let j = i;
  for (; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') { j++; continue; }
    if (c === '[') depth++;
    else if (c === ']' && --depth === 0) break;
  }
  if (j >= text.length || text[j + 1] !== '(') return null;
  const label = text.slice(i + 1, j);
  let k = j + 2;
  while (text[k] === ' ' || text[k] === '\n') k++;
  let url = '';
  if (text[k] === '<') {
    const close = text.indexOf('>', k);
    if (close < 0 || text.slice(k + 1, close).includes('\n')) return null;
    url = text.slice(k + 1, close);
    k = close + 1;
  } else {
    let parens = 0;
    const startUrl = k;
    for (; k < text.length; k++) {
      const c = text[k];
      if (c === '\\' && k + 1 < text.length) { k++; continue; }
      if (c === ' ' || c === '\n') break;
      if (c === '(') parens++;
      else if (c === ')') { if (parens === 0) break; parens--; }
    }
    url = text.slice(startUrl, k).replace(/\\([!-/:-@[-`{-~])/g, '$1');
  }
  while (text[k] === ' ' || text[k] === '\n') k++;
  const title = /^("[^"]*"|'[^']*'|\([^)]*\))/.exec(text.slice(k));
  if (title) { k += title[0].length; while (text[k] === ' ' || text[k] === '\n') k++; }
  if (text[k] !== ')') return null;
  return { label, url, end: k + 1 };
}

/** The index of the delimiter closing an emphasis opened at `from` (after the opener), or -1. */
function closingDelimiter(text: string, from: number, delim: string): number {
  for (let k = from; k < text.length; k++) {
    const c = text[k];
    if (c === '\\') { k++; continue; }
    if (c === '`') { const run = /^`+/.exec(text.slice(k))![0]; const close = text.indexOf(run, k + run.length); if (close > 0) k = close + run.length - 1; continue; }
    if (!text.startsWith(delim, k)) continue;
    if (delim.length === 1 && text[k + 1] === delim) { k++; continue; } // part of a double delimiter: skip both
    if (/\s/.test(text[k - 1] ?? ' ')) continue;
    if (delim[0] === '_' && /[\p{L}\p{N}]/u.test(text[k + delim.length] ?? '')) continue;
    if (k === from) continue;
    return k;
  }
  return -1;
}

function inline(text: string, ctx: InlineContext): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') { out += '<br>\n'; i += 2; continue; }
      if (next !== undefined && PUNCTUATION.test(next)) { out += escapeHtml(next); i += 2; continue; }
      out += '\\'; i++; continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0 && text[close + run.length] !== '`') {
        let code = text.slice(i + run.length, close).replace(/\n/g, ' ');
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        out += `<code>${escapeHtml(code)}</code>`;
        i = close + run.length;
        continue;
      }
      out += escapeHtml(run); i += run.length; continue;
    }
    if (c === '<') {
      const auto = /^<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/.exec(text.slice(i));
      if (auto) {
        if (!ctx.inLink && isAllowedUrl(auto[1])) out += `<a href="${escapeHtml(auto[1])}">${escapeHtml(auto[1].replace(/^mailto:/i, ''))}</a>`;
        else { ctx.options.onRejectedLink?.(auto[1]); out += escapeHtml(auto[1]); }
        i += auto[0].length;
        continue;
      }
    }
    if (c === '[') {
      const link = linkAt(text, i);
      if (link) {
        const label = inline(link.label, { ...ctx, inLink: true });
        if (!ctx.inLink && isAllowedUrl(link.url)) out += `<a href="${escapeHtml(link.url)}">${label}</a>`;
        else { if (!isAllowedUrl(link.url)) ctx.options.onRejectedLink?.(link.url); out += label; }
        i = link.end;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const double = text[i + 1] === c;
      const delim = double ? c + c : c;
      const after = text[i + delim.length];
      const before = text[i - 1] ?? ' ';
      const canOpen = after !== undefined && !/\s/.test(after) && !(c === '_' && /[\p{L}\p{N}]/u.test(before));
      const close = canOpen ? closingDelimiter(text, i + delim.length, delim) : -1;
      if (close > 0) {
        const tag = double ? 'strong' : 'em';
        out += `<${tag}>${inline(text.slice(i + delim.length, close), ctx)}</${tag}>`;
        i = close + delim.length;
        continue;
      }
      out += escapeHtml(delim); i += delim.length; continue;
    }
    if (c === '\n') {
      const trailing = text[i - 1] === ' ' && text[i - 2] === ' ';
      out = trailing ? `${out.replace(/ +$/, '')}<br>\n` : `${out.replace(/ +$/, '')}\n`;
      i++;
      continue;
    }
    out += escapeHtml(c);
    i++;
  }
  return out;
}

// ---- HTML ----------------------------------------------------------------------------------------

function renderBlock(block: MarkdownBlock, options: MarkdownOptions, tight = false): string {
  const ctx: InlineContext = { options, inLink: false };
  switch (block.kind) {
    case 'paragraph': return tight ? inline(block.text, ctx) : `<p>${inline(block.text, ctx)}</p>`;
    case 'heading': {
      const level = Math.min(6, (options.headingBase ?? 3) + block.level - 1);
      return `<h${level}>${inline(block.text, ctx)}</h${level}>`;
    }
    case 'rule': return '<hr>';
    case 'code': return `<pre><code>${escapeHtml(block.text)}</code></pre>`;
    case 'quote': return `<blockquote>\n${renderBlocks(block.blocks, options)}\n</blockquote>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      const start = block.ordered && block.start !== 1 ? ` start="${block.start}"` : '';
      return `<${tag}${start}>\n${block.items.map((item) => `<li>${renderItem(item, options, block.tight)}</li>`).join('\n')}\n</${tag}>`;
    }
  }
}

/** One list item's blocks; in a tight list its paragraphs print without <p>. */
export function renderItem(blocks: MarkdownBlock[], options: MarkdownOptions = {}, tight = true): string {
  return blocks.map((b) => renderBlock(b, options, tight && b.kind === 'paragraph')).join('\n');
}

export function renderBlocks(blocks: MarkdownBlock[], options: MarkdownOptions = {}): string {
  return blocks.map((b) => renderBlock(b, options)).join('\n');
}

/** Markdown text to safe HTML (see the header for the subset). */
export function renderMarkdown(text: string, options: MarkdownOptions = {}): string {
  return renderBlocks(parseBlocks(text), options);
}
