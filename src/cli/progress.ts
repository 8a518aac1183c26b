import type { CliIo } from './commands/common.ts';

/** A line on stderr saying what the CLI waits for, rewritten in place. */
export interface Progress {
  update(text: string): void;
  /** Clears the line, if one was written. */
  done(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

/** A progress line when `io.progress` is true (main.ts: stderr is a TTY); otherwise one that writes nothing, so pipes and logs stay clean. */
export function createProgress(io: Pick<CliIo, 'progress' | 'stderr'>): Progress {
  if (io.progress !== true) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update(text) {
      shown = true;
      io.stderr(`${CLEAR_LINE}${text}`);
    },
    done() {
      if (shown) io.stderr(CLEAR_LINE);
      shown = false;
    },
  };
}
