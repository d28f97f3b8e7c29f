// Saves the DSL's answers as they give them: kept in localStorage (per link) until the server has them, sent debounced through PUT /api/s/:token/progress, retried after a lost connection or a 429's Retry-After, flushed with a keepalive request when the page is hidden or closed.
import { ApiError, saveProgress, saveProgressKeepalive, type Answers } from './survey-api';

export interface Pending { data: Answers; page: number; at: string }

export type SaverState = 'saved' | 'saving' | 'offline' | 'waiting' | 'failed';

export interface SaverEvents {
  /** The state after each attempt; `error` is the refusal when state is 'failed'. */
  onState: (state: SaverState, error?: unknown) => void;
  /** 404, 410 or 409: the link no longer takes answers; true when the app handled it. */
  onGone: (error: ApiError) => boolean;
}

const storageKey = (token: string) => `dslkit:unsent:${token}`;

/** Answers a previous visit on this device kept but never got to the server (or undefined). */
export function unsentAnswers(token: string): Pending | undefined {
  try {
    const raw = window.localStorage.getItem(storageKey(token));
    if (!raw) return undefined;
    const p = JSON.parse(raw) as Pending;
    return p && typeof p.data === 'object' && typeof p.page === 'number' ? p : undefined;
  } catch { return undefined; }
}

export function forgetUnsent(token: string): void {
  try { window.localStorage.removeItem(storageKey(token)); } catch { /* storage unavailable: nothing kept */ }
}

export class AnswerSaver {
  private pending: Pending | undefined;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Date.now() before which nothing is sent (a 429's Retry-After). */
  private notBefore = 0;
  private readonly onOnline = () => this.sendSoon(0);
  private readonly onHide = () => { if (document.visibilityState === 'hidden') this.flushOnExit(); };
  private readonly onPageHide = () => this.flushOnExit();

  constructor(private readonly token: string, private readonly events: SaverEvents, private readonly debounceMs = 800) {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('pagehide', this.onPageHide);
    document.addEventListener('visibilitychange', this.onHide);
  }

  /** Records the newest answers (kept on the device at once) and sends them after a pause in answering, or now. */
  update(data: Answers, page: number, now = false): void {
    if (this.stopped) return;
    this.pending = { data: structuredClone(data), page, at: new Date().toISOString() };
    try { window.localStorage.setItem(storageKey(this.token), JSON.stringify(this.pending)); } catch { /* full or disabled: the request still goes */ }
    this.sendSoon(now ? 0 : this.debounceMs);
  }

  /** True while some answers are not yet acknowledged by the server. */
  get unsaved(): boolean { return this.pending !== undefined || this.inFlight; }

  /** Stops saving (after the final submit, or when the link is gone) and forgets the device copy. */
  stop(): void {
    this.stopped = true;
    this.pending = undefined;
    if (this.timer) clearTimeout(this.timer);
    forgetUnsent(this.token);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('pagehide', this.onPageHide);
    document.removeEventListener('visibilitychange', this.onHide);
  }

  /** Sends whatever is pending now (the "Try again" button). */
  retryNow(): void { this.sendSoon(0); }

  private sendSoon(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(ms, this.notBefore - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; void this.send(); }, delay);
  }

  private async send(): Promise<void> {
    if (this.inFlight || !this.pending || this.stopped) return;
    const sending = this.pending;
    this.inFlight = true;
    this.events.onState('saving');
    try {
      await saveProgress(this.token, sending.data, sending.page);
      if (this.pending === sending) { this.pending = undefined; forgetUnsent(this.token); }
      this.events.onState(this.pending ? 'saving' : 'saved');
    } catch (err) {
      if (err instanceof ApiError && [404, 409, 410].includes(err.status) && this.events.onGone(err)) { this.stop(); return; }
      if (err instanceof ApiError && err.status === 0) { this.events.onState('offline'); this.retryLater(10_000); return; }
      if (err instanceof ApiError && err.status === 429) {
        // nothing goes before Retry-After, not even a newer answer's debounced save; then the newest answers go
        this.notBefore = Date.now() + Math.max(1, err.retryAfterSeconds ?? 5) * 1000;
        this.events.onState('waiting');
        this.retryLater(0);
        return;
      }
      if (err instanceof ApiError && err.status >= 500) { this.events.onState('failed', err); this.retryLater(15_000); return; }
      // refused as it stands (400, 413): keep the answers on the device, tell the DSL, send again on their next answer or "Try again"
      this.events.onState('failed', err);
    } finally {
      this.inFlight = false;
    }
    if (this.pending && this.pending !== sending && !this.timer) this.sendSoon(0);
  }

  private retryLater(ms: number): void {
    this.sendSoon(ms);
  }

  /** The page is being hidden or closed: send the newest answers in a request that outlives the page. */
  private flushOnExit(): void {
    if (!this.pending || this.stopped) return;
    // the debounced save stays scheduled: if the page comes back (a tab switch), the newest answers are sent again and acknowledged
    saveProgressKeepalive(this.token, this.pending.data, this.pending.page);
    // the device copy stays until a save is acknowledged: this request's answer may never be seen
  }
}
