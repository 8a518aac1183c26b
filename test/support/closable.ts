/** Something a test starts and must stop, with `close()` or by leaving an `await using` block. */
export interface Closable extends AsyncDisposable {
  close(): Promise<void>;
}

/**
 * Makes `thing` a Closable: its close() runs once however often it is called (a test may stop a
 * node early, and its `await using` stops it again on the way out), and disposing it is closing it.
 */
export function closable<T extends { close(): Promise<void> }>(thing: T): T & Closable {
  const closeOnce = thing.close.bind(thing);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= closeOnce());
  return Object.assign(thing, { close, [Symbol.asyncDispose]: close });
}
