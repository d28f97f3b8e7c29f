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
