// The shutdown hooks: what must finish before the process exits on SIGTERM (the HTTP server, queued group commits, and later workers such as the outbox sender), run in the order registered.
export type ShutdownHook = () => Promise<void> | void;

export interface ShutdownRegistry {
  /** Adds work to finish on shutdown; hooks run one after another, first registered first. */
  register: (name: string, hook: ShutdownHook) => void;
  /** True once shutdown has begun (readiness answers 503 from then on). */
  readonly stopping: boolean;
}

/** The registry main.ts owns: register() from anywhere that starts background work, run() once on SIGTERM or SIGINT. */
export class Shutdown implements ShutdownRegistry {
  private readonly hooks: Array<{ name: string; hook: ShutdownHook }> = [];
  private started = false;

  get stopping(): boolean { return this.started; }

  register(name: string, hook: ShutdownHook): void {
    this.hooks.push({ name, hook });
  }

  /**
   * Runs every hook in order (a hook that throws is reported and the rest still run); resolves with the
   * names of hooks that failed. A second call while running returns the same promise.
   */
  run(log: (line: string) => void): Promise<string[]> {
    if (this.running) return this.running;
    this.started = true;
    this.running = (async () => {
      const failed: string[] = [];
      for (const { name, hook } of this.hooks) {
        try { await hook(); } catch (err) {
          failed.push(name);
          log(`shutdown: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return failed;
    })();
    return this.running;
  }

  private running: Promise<string[]> | undefined;
}
