// Shapes of the respondent API bodies (zod) and the mapping of answer problems to JSON pointers into the request body.
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import { stripControlCharactersDeep } from '../text/control-characters';

/** Answers as SurveyJS sends them: item id -> value. Values are checked against the instruments separately. */
const answersSchema = z.record(z.string().max(200), z.unknown());

export const progressBodySchema = z.object({ data: answersSchema, page: z.number().int().min(0).max(1000) }).strict();
export const submitBodySchema = z.object({ data: answersSchema }).strict();
export type ProgressBody = z.infer<typeof progressBodySchema>;
export type SubmitBody = z.infer<typeof submitBodySchema>;

function pointerOf(path: readonly PropertyKey[]): string {
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** JSON.parse keeps a "__proto__" key as an own property, but copying the record would silently drop it: refuse it as an unknown item. */
function protoKeyProblems(body: unknown): FieldProblem[] {
  const data = body !== null && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  if (data === null || typeof data !== 'object' || !Object.prototype.hasOwnProperty.call(data, '__proto__')) return [];
  return [{ pointer: '/data/__proto__', detail: '"__proto__" is not an item of this survey' }];
}

/** Parses a body or throws a ValidationError listing each problem with a pointer. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const protoProblems = protoKeyProblems(body);
  if (protoProblems.length) throw new ValidationError('Some answers are not valid.', protoProblems);
  const parsed = schema.safeParse(body ?? undefined);
  if (parsed.success) return stripControlCharactersDeep(parsed.data); // stored text keeps no control characters but tab, LF, CR
  const problems: FieldProblem[] = parsed.error.issues.map((i) => ({ pointer: i.path.length ? pointerOf(i.path) : '', detail: i.message }));
  throw new ValidationError('The request body does not have the expected shape.', problems);
}

/** validateAnswers points at /answers/<id>; the request body calls them data. */
export function answerProblemsInBody(problems: FieldProblem[]): FieldProblem[] {
  return problems.map((p) => ({ ...p, pointer: p.pointer.replace(/^\/answers\//, '/data/') }));
}
