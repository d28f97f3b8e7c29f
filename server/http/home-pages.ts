// The public start page (/) and the site-wide HTML 404 page for addresses no other router answers.
import express from 'express';
import type { AppDeps } from '../deps';
import { renderPage } from '../views/render';

export function homePage(deps: AppDeps): express.Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    const hasDemo = deps.db.prepare('SELECT 1 FROM trials WHERE is_demo = 1 LIMIT 1').get() !== undefined;
    res.type('html').send(renderPage('home', { title: 'dslkit', homeHref: '/', hasDemo, phase: hasDemo ? 'DEMO' : 'BETA', scripts: false }));
  });
  return router;
}

/** HTML 404 for browsers; API paths keep their problem+json 404 (mounted after this only for /api). */
export function notFoundPage(): express.RequestHandler {
  return (req, res, next) => {
    if (req.path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) { next(); return; }
    res.status(404).type('html').send(renderPage('not-found', { title: 'Page not found – dslkit', homeHref: '/', scripts: false }));
  };
}
