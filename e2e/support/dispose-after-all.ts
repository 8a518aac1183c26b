/**
 * The stack of what the tests of one describe share: beforeAll puts on it what it starts
 * (`resources.use(await start())`), and afterAll disposes all of it, last first. Whatever a
 * beforeAll that failed half-way had started is on it too, so nothing is left running.
 */
export function disposeAfterAll(timeoutMs?: number): AsyncDisposableStack {
  const resources = new AsyncDisposableStack();
  afterAll(() => resources.disposeAsync(), timeoutMs);
  return resources;
}
