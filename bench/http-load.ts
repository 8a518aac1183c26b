import autocannon from 'autocannon';

export interface Load {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Errors, timeouts and answers outside 2xx: a figure with failures in it measures nothing. */
  failures: number;
}

export interface LoadOptions {
  method?: 'GET' | 'POST';
  body?: string;
  seconds: number;
  connections: number;
}

/** Drives `url` with autocannon from this process and summarises what it saw. */
export async function load(url: string, { method = 'GET', body, seconds, connections }: LoadOptions): Promise<Load> {
  const result = await autocannon({
    url,
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    duration: seconds,
    connections,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}
