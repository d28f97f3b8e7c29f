// Vite plugin: turns the page's render-blocking survey stylesheet into a preload (fetched at once, applied by the script when it takes over), so the server-drawn questions paint as soon as the HTML arrives.
import type { Plugin } from 'vite';

export function deferStylesheet(): Plugin {
  return {
    name: 'dslkit-defer-stylesheet',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        return html.replace(/<link rel="stylesheet"( crossorigin)? href="([^"]+\.css)">/g, '<link rel="preload" as="style"$1 href="$2" data-dk-survey-css>');
      },
    },
  };
}
