// A STAND-IN for GOV.UK Notify (it has no local server): a loopback HTTP server speaking the documented v2 email API
// (POST /v2/notifications/email, GET /v2/notifications/{id}, GET /v2/notifications?reference=) and checking each
// request's JWT (HS256, iss = service id, iat within 30 s) with the API key's secret, as Notify does.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInNotification {
  id: string; reference: string | null; email_address: string; template_id: string; personalisation: Record<string, string>;
  one_click_unsubscribe_url: string | null; status: string; created_at: string;
}

export interface NotifyStandIn {
  url: string;
  /** A key in Notify's format: name-<service id>-<secret id>. */
  apiKey: string;
  notifications: StandInNotification[];
  /** Templates the service has, with the personalisation fields each needs. */
  templates: Map<string, string[]>;
  /** Answer every send with this HTTP status (e.g. 500) until cleared. */
  failSendsWith: number | null;
  close: () => Promise<void>;
}

const b64url = (b: Buffer) => b.toString('base64url');

function verifyJwt(auth: string | undefined, serviceId: string, secret: string): string | null {
  const m = /^Bearer (.+)$/.exec(auth ?? '');
  if (!m) return 'Unauthorized: authentication token must be provided';
  const [h, p, sig] = m[1].split('.');
  if (!h || !p || !sig) return 'Invalid token: signature, api token is not valid';
  const expected = b64url(crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest());
  if (expected !== sig) return 'Invalid token: signature, api token not found';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; iat?: number };
  if (header.alg !== 'HS256') return 'Invalid token: algorithm used is not HS256';
  if (payload.iss !== serviceId) return 'Invalid token: service not found';
  if (typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > 30) return 'Error: Your system clock must be accurate to within 30 seconds';
  return null;
}

export async function startNotifyStandIn(): Promise<NotifyStandIn> {
  const serviceId = crypto.randomUUID();
  const secret = crypto.randomUUID();
  const state: NotifyStandIn = { url: '', apiKey: `dslkit_test-${serviceId}-${secret}`, notifications: [], templates: new Map(), failSendsWith: null, close: async () => {} };
  const send = (res: http.ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)); };
  const error = (res: http.ServerResponse, status: number, kind: string, message: string) => send(res, status, { status_code: status, errors: [{ error: kind, message }] });
  const view = (n: StandInNotification) => ({ id: n.id, reference: n.reference, email_address: n.email_address, type: 'email', status: n.status, template: { id: n.template_id, version: 1, uri: `${state.url}/v2/template/${n.template_id}` }, created_at: n.created_at });

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => { raw += c.toString('utf8'); });
    req.on('end', () => {
      const authProblem = verifyJwt(req.headers.authorization, serviceId, secret);
      if (authProblem) { error(res, 403, 'AuthError', authProblem); return; }
      const url = new URL(req.url ?? '/', 'http://stand-in');
      if (req.method === 'POST' && url.pathname === '/v2/notifications/email') {
        if (state.failSendsWith) { error(res, state.failSendsWith, 'Exception', 'Internal server error'); return; }
        const body = JSON.parse(raw || '{}') as { template_id?: string; email_address?: string; personalisation?: Record<string, string>; reference?: string; one_click_unsubscribe_url?: string };
        const fields = state.templates.get(body.template_id ?? '');
        if (!fields) { error(res, 400, 'BadRequestError', 'Template not found'); return; }
        if (!body.email_address || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email_address)) { error(res, 400, 'ValidationError', 'email_address Not a valid email address'); return; }
        const missing = fields.filter((f) => !(f in (body.personalisation ?? {})));
        if (missing.length) { error(res, 400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`); return; }
        const n: StandInNotification = { id: crypto.randomUUID(), reference: body.reference ?? null, email_address: body.email_address, template_id: body.template_id!, personalisation: body.personalisation ?? {}, one_click_unsubscribe_url: body.one_click_unsubscribe_url ?? null, status: 'created', created_at: new Date().toISOString() };
        state.notifications.push(n);
        send(res, 201, { id: n.id, reference: n.reference, content: { subject: n.personalisation.subject ?? '', body: '', from_email: 'dsl-study@notifications.service.gov.uk' }, uri: `${state.url}/v2/notifications/${n.id}`, template: { id: n.template_id, version: 1, uri: '' } });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v2/notifications') {
        const ref = url.searchParams.get('reference');
        send(res, 200, { notifications: state.notifications.filter((n) => !ref || n.reference === ref).map(view), links: { current: url.toString() } });
        return;
      }
      const one = /^\/v2\/notifications\/([0-9a-f-]{36})$/.exec(url.pathname);
      if (req.method === 'GET' && one) {
        const n = state.notifications.find((x) => x.id === one[1]);
        if (!n) { error(res, 404, 'NoResultFound', 'No result found'); return; }
        send(res, 200, view(n));
        return;
      }
      error(res, 404, 'NotFound', 'Not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}
