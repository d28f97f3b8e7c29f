// Builds the OpenAPI 3.1 document served at /api/openapi.json from the operation list (request bodies from the zod schemas the routes validate with, via zod's JSON Schema output), with every problem type dslkit answers.
import { z } from 'zod';
import { apiOperations, type ApiOperation } from './api-operations';

/** Every problem type (RFC 9457) an API answer can carry, with its status: the `type` URIs of domain/errors.ts. */
export const PROBLEM_TYPES: Array<{ type: string; status: number; title: string }> = [
  { type: 'https://dslkit.invalid/problems/validation', status: 400, title: 'The request is not valid' },
  { type: 'https://dslkit.invalid/problems/not-found', status: 404, title: 'Not found' },
  { type: 'https://dslkit.invalid/problems/method-not-allowed', status: 405, title: 'Method not allowed' },
  { type: 'https://dslkit.invalid/problems/conflict', status: 409, title: 'Conflict' },
  { type: 'https://dslkit.invalid/problems/gone', status: 410, title: 'Gone' },
  { type: 'https://dslkit.invalid/problems/too-large', status: 413, title: 'Too large' },
  { type: 'https://dslkit.invalid/problems/unsupported-media', status: 415, title: 'Unsupported media type' },
  { type: 'https://dslkit.invalid/problems/incomplete', status: 422, title: 'Incomplete' },
  { type: 'https://dslkit.invalid/problems/rate-limited', status: 429, title: 'Too many requests' },
  { type: 'https://dslkit.invalid/problems/busy', status: 503, title: 'Busy' },
  { type: 'about:blank', status: 0, title: 'any status without a more specific type: an unknown API path (404), not ready (503)' },
];

const jsonSchema = (schema: z.ZodType) => {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema; // the document's own dialect (2020-12) applies
  return s;
};

function operationObject(o: ApiOperation): Record<string, unknown> {
  const params = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' }, description: 'the invitation link token',
  }));
  const responses = Object.fromEntries(Object.entries(o.responses).map(([status, r]) => [status, {
    description: r.description,
    ...(r.schema ? { content: { 'application/json': { schema: jsonSchema(r.schema) } } } : r.problem ? { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } : {}),
    ...(status === '405' ? { headers: { Allow: { description: 'the methods this path takes', schema: { type: 'string' } } } } : {}),
    ...(status === '429' || status === '503' ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } } : {}),
  }]));
  return {
    operationId: o.operationId, summary: o.summary, ...(o.description ? { description: o.description } : {}), tags: [o.tag],
    ...(params.length ? { parameters: params } : {}),
    ...(o.requestBody ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(o.requestBody) } } } } : {}),
    responses,
  };
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of apiOperations) (paths[o.path] ??= {})[o.method] = operationObject(o);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'dslkit API', version,
      description: 'The respondent survey API behind invitation links, and the service checks. Errors are RFC 9457 problem details (application/problem+json); every `type` is listed under components.schemas.Problem. A path asked with a method it does not take answers 405 with Allow.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [{ name: 'survey', description: 'what a DSL\'s browser calls behind /s/<token>' }, { name: 'service', description: 'health, readiness and this document' }],
    paths,
    components: {
      schemas: {
        Problem: {
          type: 'object', required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', enum: PROBLEM_TYPES.map((p) => p.type), description: PROBLEM_TYPES.map((p) => `${p.type}: ${p.status ? `${p.status} ` : ''}${p.title}`).join('; ') },
            title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string', description: 'JSON pointer into the request body' }, detail: { type: 'string' } }, required: ['detail'] } },
          },
        },
      },
    },
  };
}
