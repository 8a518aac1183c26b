/**
 * Follows a node's chain length through its event stream (GET /events), so the bench learns of a
 * block the moment the node holds it, without polling. Times are this process's performance.now().
 */
export interface ChainLengths {
  readonly length: number;
  /** When the node came to hold at least `length` blocks (if it already does: when it last grew). */
  reach(length: number, timeoutMs: number): Promise<number>;
  close(): void;
}

/** Events that carry the node's length after a change (see src/explorer/routes.ts). */
const CHANGES = new Set(['snapshot', 'mined', 'appended', 'replaced']);

export async function followChainLength(url: string): Promise<ChainLengths> {
  const abort = new AbortController();
  const response = await fetch(`${url}/events`, { signal: abort.signal });
  if (!response.ok || response.body === null) throw new Error(`GET ${url}/events: ${response.status}`);
  let length = 0;
  let reachedAt = performance.now();
  const waiters = new Set<{ length: number; resolve: (at: number) => void }>();
  const update = (next: number) => {
    if (next <= length) return;
    length = next;
    reachedAt = performance.now();
    for (const waiter of waiters) {
      if (waiter.length > length) continue;
      waiters.delete(waiter);
      waiter.resolve(reachedAt);
    }
  };

  let snapshot: () => void = () => undefined;
  const received = new Promise<void>((resolve) => (snapshot = resolve));
  readEvents(response.body, (name, data) => {
    if (!CHANGES.has(name)) return;
    const next = (JSON.parse(data) as { length?: unknown }).length;
    if (typeof next === 'number') update(next);
    if (name === 'snapshot') snapshot();
  });
  await received;

  return {
    get length() {
      return length;
    },
    reach(target, timeoutMs) {
      if (length >= target) return Promise.resolve(reachedAt);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${url} did not reach ${target} blocks within ${timeoutMs} ms (it holds ${length})`));
        }, timeoutMs);
        const waiter = {
          length: target,
          resolve: (at: number) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
        waiters.add(waiter);
      });
    },
    close: () => abort.abort(),
  };
}

/**
 * Hands each server-sent event of `body` (GET /events) to `onEvent`, as it comes, until the stream
 * ends or is aborted; waiters on what never came time out with a message of their own.
 */
export function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string, data: string) => void): void {
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const event = parseEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          if (event !== undefined) onEvent(event.name, event.data);
        }
      }
    } catch {
      // Aborted by close(), or the node stopped.
    }
  })();
}

function parseEvent(text: string): { name: string; data: string } | undefined {
  let name = 'message';
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return data.length === 0 ? undefined : { name, data: data.join('\n') };
}
