// Locates govuk-frontend's CSS, JavaScript and assets (fonts, images) and our small stylesheet, for the site and for published static copies.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { viewsDir } from './render';

const require = createRequire(import.meta.url);
/** node_modules/govuk-frontend/dist/govuk */
export const govukDistDir = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');
/** Fonts and images referenced by the CSS. */
export const govukAssetsDir = path.join(govukDistDir, 'assets');

/** govuk-frontend.min.css with its absolute /assets/ urls made relative to the stylesheet, so it works at /govuk/ and in a published folder. */
export function govukCss(): string {
  const css = fs.readFileSync(path.join(govukDistDir, 'govuk-frontend.min.css'), 'utf8');
  return css.replace(/url\(\/assets\//g, 'url(assets/');
}

/** Our additions to the GOV.UK styles (sign-out form in the navigation bar, chart sizing). */
export function dslkitCss(): string {
  return fs.readFileSync(path.join(viewsDir, 'dslkit.css'), 'utf8');
}

/** The module script that marks the body as JS-capable and starts govuk-frontend's components (CSP-safe: no inline script). */
export const initScript = `import { initAll } from './govuk-frontend.min.js';
document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();
`;

/** Copies the CSS, our stylesheet and the fonts/images into `dir`; pages then render with assetBase = the relative path to `dir`. */
export function copyStaticAssets(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'govuk-frontend.min.css'), govukCss());
  fs.writeFileSync(path.join(dir, 'dslkit.css'), dslkitCss());
  fs.cpSync(govukAssetsDir, path.join(dir, 'assets'), { recursive: true });
}
