// Vite build of the respondent survey page: root client/, output client/dist/ (index.html + hashed files in assets/), no inline scripts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress.ts';
import { deferStylesheet } from './build/defer-stylesheet.ts';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig(({ mode }) => ({
  root,
  // React picks its development or production build from process.env.NODE_ENV; pin it to the Vite mode so a
  // NODE_ENV left in the environment (vitest sets "test") never ships development React to respondents.
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'development' ? 'development' : 'production') },
  base: '/',
  publicDir: false,
  // brotli and gzip copies of every file in dist/assets, made once here (the server sends them as they are)
  // the survey stylesheet is preloaded and applied by the script, so it never holds back the server-drawn questions
  plugins: [deferStylesheet(), precompress(path.join(root, 'dist', 'assets'))],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill would be an inline script; a strict CSP (script-src 'self') forbids those.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
}));
