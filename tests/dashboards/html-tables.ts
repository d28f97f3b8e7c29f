// Test helper: reads every <table> of an HTML page into rows of {text, kind} cells (kind from data-kind), entities decoded.
export interface ParsedCell { text: string; kind: string | null; tag: 'td' | 'th' }
export interface ParsedTable { caption: string; rows: ParsedCell[][] }

function decode(s: string): string {
  return s.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').trim();
}

export function parseTables(html: string): ParsedTable[] {
  const tables: ParsedTable[] = [];
  for (const m of html.matchAll(/<table[\s\S]*?<\/table>/g)) {
    const t = m[0];
    const caption = decode(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? '');
    const rows: ParsedCell[][] = [];
    for (const r of t.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)) {
      rows.push([...r[1].matchAll(/<(td|th)([^>]*)>([\s\S]*?)<\/\1>/g)].map((c) => ({ tag: c[1] as 'td' | 'th', kind: /data-kind="([a-z]+)"/.exec(c[2])?.[1] ?? null, text: decode(c[3]) })));
    }
    tables.push({ caption, rows });
  }
  return tables;
}

/** The published count as a number, or null for "c"; throws on anything else so a mislabelled cell fails loudly. */
export function countValue(text: string): number | null {
  if (text === 'c') return null;
  if (!/^\d{1,3}(,\d{3})*$/.test(text)) throw new Error(`"${text}" is not a count`);
  return Number(text.replace(/,/g, ''));
}
