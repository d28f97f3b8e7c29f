// Reads and checks an answer key (item id -> accepted answer(s) or null) for an instrument's proportion-correct scales; used by `dslkit answer-key`, `dslkit score --key` and the server.
import type { FieldProblem } from '../shared/errors';
import { keyEntryProblem, type InstrumentDef } from './registry';
import { effectiveKey } from './score';
import { keyEntrySchema, type AnswerKey, type ScoringSpec } from './scoring-rules';

/** Item ids that some answer-key scale of the instrument scores. */
export function keyableItems(def: InstrumentDef): string[] {
  return (def.scoring as ScoringSpec).scales.filter((s) => s.method === 'proportionCorrect').flatMap((s) => s.items);
}

/** The bundled key of every answer-key scale, merged with per-trial overrides, plus each scale's key status. */
export function bundledKey(def: InstrumentDef, overrides: AnswerKey = {}): { key: AnswerKey; status: Record<string, string> } {
  const scales = (def.scoring as ScoringSpec).scales.filter((s) => s.method === 'proportionCorrect');
  return {
    key: Object.assign({}, ...scales.map((s) => effectiveKey(s, overrides))) as AnswerKey,
    status: Object.fromEntries(scales.map((s) => [s.id, s.keyStatus ?? 'bundled'])),
  };
}

/** 1-based line of the first occurrence of "id" in JSON text (for messages), or undefined. */
function lineOf(text: string, id: string): number | undefined {
  const at = text.indexOf(JSON.stringify(id));
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

/**
 * Parses key JSON text: either { "<item>": answer | [answers] | null, ... } or { "key": { ... } } (what
 * `dslkit answer-key` prints). Returns the key and every problem, each with the line where the item appears.
 */
export function parseAnswerKey(def: InstrumentDef, text: string): { key: AnswerKey; problems: FieldProblem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    return { key: {}, problems: [{ pointer: '', line, detail: `not valid JSON (${message})` }] };
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && 'key' in data) data = (data as { key: unknown }).key;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { key: {}, problems: [{ pointer: '', line: 1, detail: 'expected a JSON object of item id -> correct answer(s)' }] };
  }
  const keyable = new Set(keyableItems(def));
  const items = new Map(def.items.map((i) => [i.id, i]));
  const problems: FieldProblem[] = [];
  const key: AnswerKey = {};
  for (const [id, entry] of Object.entries(data as Record<string, unknown>)) {
    const pointer = `/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const line = lineOf(text, id);
    if (!keyable.has(id)) {
      problems.push({ pointer, line, column: id, detail: items.has(id) ? `is not scored against a key in ${def.key}` : `is not an item of ${def.key}` });
      continue;
    }
    const shape = keyEntrySchema.safeParse(entry);
    const problem = shape.success ? keyEntryProblem(items.get(id), entry) : 'must be an answer, a list of answers, or null';
    if (problem) problems.push({ pointer, line, column: id, detail: problem });
    else key[id] = shape.data as AnswerKey[string];
  }
  if (Object.keys(data as object).length === 0) problems.push({ pointer: '', line: 1, detail: 'the key is empty' });
  return { key, problems };
}

/** One message line per problem: "key.json: line 4: csa_identification_vignette_03 "x" is not one of …". */
export function keyProblemLines(source: string, problems: FieldProblem[]): string {
  return problems.map((p) => `${source}: ${p.line ? `line ${p.line}: ` : ''}${p.column ? `${p.column} ` : ''}${p.detail}`).join('\n');
}
