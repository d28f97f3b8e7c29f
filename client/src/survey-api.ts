// The respondent page's calls to /api/s/:token: load the survey and saved answers, save progress (also as a keepalive request when the page closes), submit (retried: the server makes it idempotent).

export type Answers = Record<string, unknown>;
export interface LoadedSurvey { survey: object; data: Answers; page: number; status: 'new' | 'partial' | 'complete'; closesAt: string }
export interface Problem { title?: string; detail?: string; status?: number; errors?: { pointer: string; detail: string }[] }

/** status 0 means the request never reached the server (offline, dropped connection). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problem?: Problem, readonly retryAfterSeconds?: number) { super(message); }
}

/** The token is the path segment after /s/. */
export function tokenFromPath(pathname: string): string {
  const m = /^\/s\/([^/?#]+)/.exec(pathname);
  return m ? decodeURIComponent(m[1]) : '';
}

async function request(method: string, url: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'We could not reach the survey server. Check your internet connection and try again.');
  }
  if (!res.ok) {
    let problem: Problem | undefined;
    try { problem = await res.json() as Problem; } catch { problem = undefined; }
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, problem?.detail ?? `The server answered ${res.status}.`, problem, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  }
  return res;
}

const base = (token: string) => `/api/s/${encodeURIComponent(token)}`;

export async function loadSurvey(token: string): Promise<LoadedSurvey> {
  return (await request('GET', base(token))).json() as Promise<LoadedSurvey>;
}

export async function saveProgress(token: string, data: Answers, page: number): Promise<void> {
  await request('PUT', `${base(token)}/progress`, { data, page });
}

/**
 * The same save in a request that outlives the page (fetch keepalive, for pagehide): JSON as the write path
 * requires (same origin, so no preflight), under the 64 kB keepalive and body limits.
 */
export function saveProgressKeepalive(token: string, data: Answers, page: number): void {
  try {
    void fetch(`${base(token)}/progress`, {
      method: 'PUT', keepalive: true, credentials: 'omit', cache: 'no-store',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ data, page }),
    }).catch(() => undefined);
  } catch { /* over the keepalive size: the device copy is sent on the next visit */ }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Submits, retrying network failures and server errors a few times; safe because a repeat submit stores nothing new. */
export async function submitAnswers(token: string, data: Answers, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await request('POST', `${base(token)}/submit`, { data });
      return;
    } catch (err) {
      const retryable = err instanceof ApiError && (err.status === 0 || err.status >= 500);
      if (!retryable || i >= attempts) throw err;
      await sleep(500 * i);
    }
  }
}
