// GET /api/openapi.json (the OpenAPI 3.1 document, made once), and the guard that answers 405 with Allow for a documented /api path asked with a method it does not take.
import { Router } from 'express';
import { sendProblem } from '../problem';
import { allowedMethods, templateOf } from './api-operations';
import { openApiDocument } from './openapi-document';
import { dslkitVersion } from '../../version';

let document: string | undefined;
function documentText(): string {
  if (!document) {
    document = JSON.stringify(openApiDocument(dslkitVersion()), null, 2);
  }
  return document;
}

export function openApiRoutes(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => { res.set('Cache-Control', 'no-cache').type('application/json').send(documentText()); });
  return router;
}

/** After the API routers: a documented path reached here was asked with a method it does not take. */
export function apiMethodGuard(): Router {
  const router = Router();
  router.use('/api', (req, res, next) => {
    const template = templateOf(req.baseUrl + req.path);
    if (!template) { next(); return; }
    const allow = allowedMethods(template);
    if (allow.includes(req.method)) { next(); return; } // a documented operation with no handler here (the app without its write path): 404
    res.set('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') { res.status(204).end(); return; }
    sendProblem(res, 405, `${template} takes ${allow.join(', ')}, not ${req.method}.`, { type: 'https://dslkit.invalid/problems/method-not-allowed' });
  });
  return router;
}
