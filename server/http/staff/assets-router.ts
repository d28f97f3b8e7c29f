// Serves govuk-frontend's CSS, JavaScript, fonts and images (and dslkit.css) at /govuk/... from node_modules.
import path from 'node:path';
import express from 'express';
import { govukCss, govukDistDir, govukAssetsDir, dslkitCss, initScript } from '../../views/assets';

/** Router for /govuk: the rewritten stylesheet, our stylesheet, the JS module and static assets (cached for a day). */
export function govukAssetsRouter(): express.Router {
  const router = express.Router();
  const css = govukCss();
  const ours = dslkitCss();
  const cache = 'public, max-age=86400';
  router.get('/govuk-frontend.min.css', (_req, res) => { res.type('text/css').set('Cache-Control', cache).send(css); });
  router.get('/dslkit.css', (_req, res) => { res.type('text/css').set('Cache-Control', cache).send(ours); });
  router.get('/init.mjs', (_req, res) => { res.type('text/javascript').set('Cache-Control', cache).send(initScript); });
  router.get('/govuk-frontend.min.js', (_req, res) => { res.set('Cache-Control', cache).sendFile(path.join(govukDistDir, 'govuk-frontend.min.js')); });
  router.use('/assets', express.static(govukAssetsDir, { maxAge: '1d', index: false, fallthrough: false }));
  return router;
}
