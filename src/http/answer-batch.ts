// Answers written together, once the event loop has read every request that was ready, rather
// each the moment it is known: what Redis does with its replies before it goes back to epoll, and
// what corking does for uWebSockets.
//
// Writing an answer to a client that is asleep, waiting for it, wakes the client. On a loaded node
// that wake-up is most of the write's cost: the kernel has to interrupt another CPU, and on a
// virtual machine that is an exit to the hypervisor. A node slower than its client meets that on
// nearly every answer, since the client has read the last one and gone back to sleep. Written
// together, the answers of one turn wake the client once: it reads them all, sends the next
// requests together, and the node reads those in one turn too. `npm run bench`, wrk with 16
// connections on 2 cores: 17,600 transactions a second written one by one, 30,500 in batches
// (docs/performance.md).
//
// An answer known while the event loop reads its sockets (its poll phase) is written in the check
// phase right after; one known later in a turn (after a timer, a disk write) goes with the next
// turn's. Nothing else waits for it: the batch holds only the answers of one turn.

/** One answer to write. */
export type Write = () => void;

export class AnswerBatch {
  #queued: Write[] = [];
  readonly #report: (error: unknown) => void;

  /** `report` hears of a write that threw, which does not stop the writes after it. */
  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  /** Writes `write`'s answer at the end of this turn of the event loop, after those added before it. */
  add(write: Write): void {
    if (this.#queued.push(write) === 1) setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    const queued = this.#queued;
    this.#queued = [];
    for (const write of queued) {
      try {
        write();
      } catch (error) {
        this.#report(error);
      }
    }
  };
}
