// Security headers on every response (mounted first in app.ts): a strict CSP that Vega works under via vega-interpreter, no framing, no referrer.
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/** The Content-Security-Policy: no inline or eval'd script anywhere; inline styles allowed for Vega's SVG output. */
export const contentSecurityPolicy = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

export const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()';

/** Sets the headers on a response (Express's or Node's own); HSTS only when the site is behind a TLS-terminating proxy. */
export function applySecurityHeaders(res: ServerResponse, options: { trustProxy: boolean }): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Permissions-Policy', permissionsPolicy);
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (options.trustProxy) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

/** Express middleware setting the headers on every response. */
export function securityHeaders(options: { trustProxy: boolean }): RequestHandler {
  return (_req, res, next) => {
    applySecurityHeaders(res, options);
    next();
  };
}
