// The one table of staff routes: method, path, roles allowed, handler. The router is built from it and the route x role tests are generated from it.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { Role } from '../../domain/auth/roles';

export type StaffRouteHandler = (req: Request, res: Response, deps: AppDeps) => unknown;

export interface StaffRoute {
  method: 'get' | 'post';
  /** Path under /staff, Express syntax (e.g. '/trials/:trialId'). */
  path: string;
  /** Roles allowed; 'public' for sign-in pages. Everyone else gets 401 (signed out) or 403 (wrong role). */
  roles: readonly Role[] | 'public';
  /** One line: what the route does (shown in the route x role test names). */
  summary: string;
  /** Takes a multipart/form-data file upload (read after the role check, CSRF before the file); every other route refuses multipart with 415. */
  upload?: true;
  handler: StaffRouteHandler;
}
