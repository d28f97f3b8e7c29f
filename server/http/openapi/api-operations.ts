// The respondent and service API as data: every /api operation with its request schema (the zod schemas that validate it) and its responses; the OpenAPI document and the 405 guard are made from this one list.
import { z } from 'zod';
import { progressBodySchema, submitBodySchema } from '../../domain/surveys/answer-body';

export interface ApiResponse { description: string; schema?: z.ZodType; problem?: boolean }
export interface ApiOperation {
  method: 'get' | 'put' | 'post';
  /** OpenAPI path template, e.g. /api/s/{token}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  requestBody?: z.ZodType;
  responses: Record<string, ApiResponse>;
}

const token = 'the 43-character token of the invitation link (/s/<token>), the only credential';

export const surveyResponseSchema = z.object({
  survey: z.record(z.string(), z.unknown()).describe('SurveyJS JSON of every instrument of the wave, in page order'),
  data: z.record(z.string(), z.unknown()).describe('the answers saved so far: item id -> value'),
  page: z.number().int().min(0).describe('the page the DSL was on'),
  status: z.enum(['new', 'partial', 'complete']),
  closesAt: z.string().describe('when the wave closes (ISO-8601 UTC)'),
}).strict();

export const submitResponseSchema = z.object({
  status: z.literal('complete'),
  submittedAt: z.string().describe('when the answers were stored (ISO-8601 UTC); a repeat returns the first time'),
}).strict();

export const healthResponseSchema = z.object({ status: z.literal('ok'), schemaVersion: z.number().int() }).strict();
export const readyResponseSchema = z.object({
  status: z.literal('ready'),
  checks: z.record(z.string(), z.string()).describe('process, database, migrations, secret: what each check found'),
}).strict();

const problems = (...codes: number[]): Record<string, ApiResponse> => Object.fromEntries(codes.map((c) => [String(c), { description: problemText[c] ?? 'problem', problem: true }]));
const problemText: Record<number, string> = {
  400: 'the body is not valid: `errors` lists each problem with a JSON pointer',
  404: 'no such link (the same answer for a malformed, unknown or erased link)',
  405: 'the path exists but not with this method: `Allow` lists the methods it takes',
  409: 'the answers were already submitted and can no longer be changed',
  410: 'the wave has closed, or the DSL withdrew',
  413: 'the body is larger than 64 KB',
  415: 'the body is not application/json (gzip or deflate content encodings are accepted)',
  422: 'the submission leaves a scale unscorable under its missing-item rule: `errors` lists the unanswered items',
  429: 'too many saves from this link: wait for `Retry-After` seconds',
  503: 'the database is busy: try again after `Retry-After` seconds (nothing was stored)',
};

export const apiOperations: ApiOperation[] = [
  {
    method: 'get', path: '/api/s/{token}', operationId: 'getSurvey', tag: 'survey', summary: 'The survey behind an invitation link, with the answers saved so far',
    description: `Path parameter: ${token}. Never cached (Cache-Control: no-store).`,
    responses: { 200: { description: 'the survey and the saved answers', schema: surveyResponseSchema }, ...problems(404, 410) },
  },
  {
    method: 'put', path: '/api/s/{token}/progress', operationId: 'saveProgress', tag: 'survey', summary: 'Save the answers so far (a partial response)',
    description: `Path parameter: ${token}. The answers replace the saved ones; 204 means they are on disk.`,
    requestBody: progressBodySchema,
    responses: { 204: { description: 'saved' }, ...problems(400, 404, 409, 410, 413, 415, 429, 503) },
  },
  {
    method: 'post', path: '/api/s/{token}/submit', operationId: 'submitSurvey', tag: 'survey', summary: 'Submit the answers: scored on the server, then no longer changeable',
    description: `Path parameter: ${token}. Idempotent: a repeat answers 200 with the first submission's time and stores nothing.`,
    requestBody: submitBodySchema,
    responses: { 200: { description: 'stored and scored', schema: submitResponseSchema }, ...problems(400, 404, 410, 413, 415, 422, 503) },
  },
  { method: 'get', path: '/api/health', operationId: 'health', tag: 'service', summary: 'The process answers', responses: { 200: { description: 'up', schema: healthResponseSchema } } },
  {
    method: 'get', path: '/api/ready', operationId: 'ready', tag: 'service', summary: 'The server can take writes: database writable, migrations current, secret present, not shutting down',
    responses: { 200: { description: 'ready', schema: readyResponseSchema }, 503: { description: 'not ready: a problem whose `checks` says what each check found', problem: true } },
  },
  { method: 'get', path: '/api/openapi.json', operationId: 'openapi', tag: 'service', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
];

/** Matches a request path to an operation path template (any case, an optional trailing slash, as the routes do). */
export function templateOf(path: string): string | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  const templates = [...new Set(apiOperations.map((o) => o.path))];
  return templates.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`, 'i').test(clean));
}

/** The methods a path template takes, for the Allow header (HEAD with GET, as Express answers it). */
export function allowedMethods(template: string): string[] {
  const methods = apiOperations.filter((o) => o.path === template).map((o) => o.method.toUpperCase());
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}
