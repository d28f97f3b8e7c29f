// Lists the routes an Express app serves by walking its router stack ('METHOD /full/path', following mounted sub-routers); for the route-table and API-document guards.
import type express from 'express';

interface LayerLike { route?: { path: string | string[]; methods: Record<string, boolean> }; handle: { stack?: LayerLike[] }; rawPath?: string | string[] }

export const joinPath = (prefix: string, p: string) => (`${prefix}/${p}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'));

function walk(stack: LayerLike[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const p of ([] as string[]).concat(layer.route.path)) {
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(`${m.toUpperCase()} ${joinPath(prefix, p)}`);
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      out.push(...walk(layer.handle.stack, joinPath(prefix, mount)));
    }
  }
  return out;
}

/** Every route the app serves, as 'METHOD /full/path'. */
export function registeredRoutes(app: express.Express): string[] {
  return walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack);
}
