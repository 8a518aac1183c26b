// The one way tests here wait: for a condition, never for a guessed length of time. Shared by the
// unit tests (test/), the e2e tests (e2e/) and the benchmarks (bench/), so it uses no jest globals.

/** How long `eventually` keeps trying, and how often. */
export interface Patience {
  /** Gives up after this long; the default suits in-process nodes, which answer in milliseconds. */
  timeoutMs?: number;
  /** The pause between tries. */
  intervalMs?: number;
  /** What is waited for (`the page to show a block`), named in the error when it never comes. */
  what?: string;
}

/**
 * Tries `check` until it holds, that is until it neither throws nor returns false. When time runs
 * out, fails with its last error (so an `expect` inside keeps its diff), prefixed with `what`.
 */
export async function eventually(
  check: () => boolean | void | Promise<boolean | void>,
  { timeoutMs = 5_000, intervalMs = 20, what }: Patience = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      if ((await check()) !== false) return;
      failure = undefined;
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= deadline) throw timedOut(failure, timeoutMs, what);
    await sleep(intervalMs);
  }
}

/** The error for a wait that ran out: the check's own last error, or that it kept returning false. */
function timedOut(failure: unknown, timeoutMs: number, what: string | undefined): unknown {
  const waited = `waited ${timeoutMs} ms for ${what ?? 'a condition'}`;
  if (failure === undefined) return new Error(`${waited}, in vain`);
  if (failure instanceof Error && what !== undefined) failure.message = `${waited}: ${failure.message}`;
  return failure;
}

/**
 * Lets `ms` pass. Not a way to wait for something (that is `eventually`): for pacing a load, or for
 * giving a thing time to happen when the test shows that it does not.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
