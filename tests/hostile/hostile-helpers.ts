// Shared pieces of the hostile-input tests: attack strings, a stack-trace detector, and a raw HTTP call that never throws.
import fc from 'fast-check';

/** Fragments attackers and broken clients send: SQL, HTML/script, path tricks, control characters, odd Unicode. */
export const attackStrings = [
  "' OR '1'='1", "'; DROP TABLE responses; --", '" OR 1=1 --', '1; SELECT * FROM users', "') UNION SELECT password_hash FROM users --",
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert('x')", '{{constructor.constructor("alert(1)")()}}', '<svg onload=alert(1)>',
  '../../etc/passwd', '%00', '\u0000', '\r\n\r\nHTTP/1.1 200 OK', '__proto__', 'constructor', 'prototype',
  '\u202e\u0644\u0627', '😀'.repeat(50), 'x'.repeat(5000), '=cmd|" /C calc"!A0', '@SUM(1+1)', '+1', '-1',
];

export const attackString = fc.oneof(
  fc.constantFrom(...attackStrings),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.tuple(fc.constantFrom(...attackStrings), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
);

/** Bodies that are not the JSON an endpoint expects: broken JSON, wrong types, arbitrary JSON values. */
export const hostileBody = fc.oneof(
  fc.constantFrom('', '{', '}', '[', 'null', 'true', '0', '"text"', '{"data":', '{"data": {"a": }}', '{"data":{}, "page": "1"}', '{"data": [], "page": 0}',
    '{"data": {"ons4_01": 99}}', '{"data": {"ons4_01": "7"}, "page": -1}', '{"data": null}', '{"__proto__": {"admin": true}}', '\uFEFF{"data":{}}',
    '{"data":{"pss10_01":1e309}}', '{"data":{"pss10_01":NaN}}', `{"data":${'['.repeat(5000)}`),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  attackString.map((s) => JSON.stringify({ data: { [s]: s }, page: 0 })),
  fc.record({ data: fc.anything({ maxDepth: 3 }), page: fc.anything({ maxDepth: 1 }) }).map((o) => JSON.stringify(o)),
);

/** Anything in a response body that looks like a stack trace or a server file path. */
export const stackTracePattern = /(\n\s*at [^\n]+:\d+:\d+)|(\bat (?:Object|Function|Module|async)\.)|(\.(?:ts|js|mjs|cjs):\d+(?::\d+)?)|node_modules|\/work\/|SqliteError|SQLITE_|TypeError:|RangeError:|ReferenceError:|SyntaxError:/;

export interface RawResponse { status: number; type: string; text: string; headers: Headers }

/** One HTTP request that resolves with whatever came back (or status 0 when the connection failed). */
export async function call(url: string, init: RequestInit = {}): Promise<RawResponse> {
  try {
    const res = await fetch(url, { ...init, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, headers: res.headers };
  } catch (err) {
    return { status: 0, type: '', text: String(err), headers: new Headers() };
  }
}

/** Assertion message helper: what was sent and what came back, cut to a readable length. */
export function describeExchange(sent: unknown, res: RawResponse): string {
  return `sent ${JSON.stringify(sent)?.slice(0, 300)} -> ${res.status} ${res.text.slice(0, 300)}`;
}

// ---- CSV files: valid headers and rows for each import, and a generator that damages them ----

export const schoolsHeader = ['URN', 'EstablishmentName', 'LA (code)', 'LA (name)', 'TypeOfEstablishment (name)', 'PhaseOfEducation (name)', 'NumberOfPupils', 'PercentageFSM', 'UrbanRural (name)', 'OfstedRating (name)'];
export const schoolRow = (i: number) => [String(100_001 + i), `School ${i}`, '350', 'Bolton', 'Community school', i % 2 ? 'Primary' : 'Secondary', String(200 + i), String(10 + i), '(England/Wales) Urban city and town', 'Good'];
export const dslHeader = ['URN', 'Name', 'Email', 'Role'];
export const dslRow = (i: number) => [String(100_001 + (i % 6)), `DSL ${i}`, `dsl${i}@school.example`, 'deputy headteacher'];
export const outcomesHeader = ['URN', 'Period', 'Measure', 'Count'];
export const outcomeRow = (i: number) => [String(100_001 + (i % 6)), `2025-${String(1 + (i % 12)).padStart(2, '0')}`, 'contacts', String(i)];
export const covariatesHeader = ['URN', 'PNUMFSMEVER', 'PNUMEAL', 'PSENELK', 'PTRWM_EXP', 'PTRWM_HIGH'];
export const covariatesRow = (i: number) => [String(100_001 + (i % 6)), String((i * 7) % 100), String((i * 3) % 100), i % 5 ? String(10 + (i % 9)) : '', i % 4 ? `${50 + (i % 40)}%` : 'SUPP', String(i % 30)];
export const pssHeader = ['id', ...Array.from({ length: 10 }, (_, i) => `pss10_${String(i + 1).padStart(2, '0')}`)];
export const pssRow = (i: number) => [`r${i}`, ...Array.from({ length: 10 }, (_, k) => String((i + k) % 5))];
export const analyseHeader = ['school', 'arm', 'y', 'base'];
export const analyseRow = (i: number) => [`s${i % 8}`, String(i % 2), String(3 + ((i * 7) % 5)), String(2 + (i % 3))];

/** Quotes a cell as RFC 4180 says (so attack strings stay in one cell). */
export const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

/**
 * A CSV built from a valid header and valid rows, then damaged: cells replaced by attack strings, rows cut short
 * or lengthened, quoting broken, a BOM, CRLF or NUL bytes added. About a fifth of the files stay valid.
 */
export function hostileCsv(header: string[], row: (i: number) => string[]) {
  const cell = fc.oneof({ weight: 15, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: attackString });
  const lengthChange = fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) });
  const damagedRow = fc.tuple(fc.nat(50), fc.array(cell, { minLength: header.length, maxLength: header.length }), lengthChange)
    .map(([i, cells, lengthChange]) => {
      const base = row(i).map((v, k) => cells[k] ?? v);
      return lengthChange < 0 ? base.slice(0, base.length + lengthChange) : [...base, ...Array(lengthChange).fill('extra')];
    });
  return fc.record({
    rows: fc.array(damagedRow, { minLength: 0, maxLength: 5 }),
    header: fc.oneof({ weight: 8, arbitrary: fc.constant(header) }, { weight: 1, arbitrary: fc.shuffledSubarray(header) }, { weight: 1, arbitrary: fc.array(attackString, { maxLength: 4 }) }),
    rawQuotes: fc.constantFrom(false, false, false, true), bom: fc.boolean(), crlf: fc.boolean(), nul: fc.constantFrom(false, false, false, true),
  }).map(({ rows, header: h, rawQuotes, bom, crlf, nul }) => {
    const join = (cells: string[]) => cells.map(rawQuotes ? (c) => c : quote).join(',');
    let text = [join(h), ...rows.map(join)].join(crlf ? '\r\n' : '\n') + '\n';
    if (bom) text = '\uFEFF' + text;
    if (nul) text = text.replace(/,/, ',\u0000');
    return text;
  });
}
