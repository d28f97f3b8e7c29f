// The small part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  export interface RawRequest { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }
  export interface RequestSpec extends RawRequest { setupRequest?: (req: RawRequest, context: Record<string, unknown>) => RawRequest }
  export interface Histogram { average: number; min: number; max: number; p50: number; p90: number; p97_5: number; p99: number; [k: string]: number }
  export interface Result {
    requests: Histogram & { total: number; sent: number };
    latency: Histogram;
    throughput: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
    '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: RequestSpec[];
    title?: string;
  }
  export interface Instance { stop(): void; on(event: string, fn: (...args: unknown[]) => void): void }
  function autocannon(opts: Options, cb: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
