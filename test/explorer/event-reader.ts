// Reads a text/event-stream response frame by frame, as EventSource would: for the tests of GET /events.

export interface ServerSentEvent {
  event: string;
  /** The data line as sent. */
  raw: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read it freely
}

export type EventReader = Awaited<ReturnType<typeof openEvents>>;

/** Opens `url` and reads its events; comments are kept apart. */
export async function openEvents(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const comments: string[] = [];
  const nextFrame = async (): Promise<string> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return frame;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += value;
    }
  };
  return {
    response,
    comments,
    /** The next event; comments and `retry:` lines are skipped (comments are collected). */
    async next(): Promise<ServerSentEvent> {
      for (;;) {
        const lines = (await nextFrame()).split('\n');
        comments.push(...lines.filter((line) => line.startsWith(':')));
        const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? 'message';
        const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length));
        if (data.length > 0) return { event, raw: data.join('\n'), data: JSON.parse(data.join('\n')) };
      }
    },
    /** Waits for the next frame, whatever it is. */
    nextFrame,
    close: () => controller.abort(),
  };
}
