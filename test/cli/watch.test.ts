import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventSplitter, watchEvents } from '../../src/cli/commands/watch.ts';
import { runCli, startCli } from '../support/cli.ts';
import { eventually } from '../support/eventually.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';

const chainlab = (...argv: string[]) => runCli('/nonexistent-wallets', ...argv);
const NOBODY = 'http://127.0.0.1:9';

/** A stand-in node whose GET /events writes `frames` with `type`, then ends. */
const streamOf = (frames: string, type = 'text/event-stream') =>
  startFakePeer((_, res) => res.writeHead(200, { 'content-type': type }).end(frames));

describe('chainlab watch, against a node', () => {
  it('prints a line per event: the snapshot, a transaction, a mined block; --limit ends it with 0', async () => {
    await using node = await startTestNode({ DIFFICULTY: '1' });
    const watching = startCli('/nonexistent-wallets', ['watch', '--node', node.url, '--limit', '3']);
    await eventually(() => expect(watching.stdout()).toContain('snapshot of'));
    await call(`${node.url}/transactions/new`, { json: { sender: 'alice', recipient: 'bob', amount: 5 } });
    const mined = (await call(`${node.url}/mine`)).body;
    const { code, stdout, stderr } = await watching.exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const { node_id: id, tip_hash: tip } = (await call(`${node.url}/health`)).body;
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^snapshot of ${id}: length 1, tip [0-9a-f]{12}, 0 pending; peers: none$`)),
      'transaction alice→bob 5 (1 pending)',
      expect.stringMatching(
        new RegExp(`^block ${mined.index} by ${id}: 2 transactions, hash ${tip.slice(0, 12)} \\(mined here in \\d+ ms\\), length 2$`),
      ),
    ]);
  });

  it('--json prints {event, data} per line, data as the node sent it', async () => {
    await using node = await startTestNode({ DIFFICULTY: '1' });
    const { code, stdout } = await chainlab('watch', '--node', node.url, '--limit', '1', '--json');
    expect(code).toBe(0);
    const { event, data } = JSON.parse(stdout);
    expect(event).toBe('snapshot');
    expect(data.node_id).toBe((await call(`${node.url}/health`)).body.node_id);
    expect(data.length).toBe(1);
  });

  it('exits 1 when the node closes the stream before --limit', async () => {
    const node = await startTestNode({ DIFFICULTY: '1' });
    const watching = startCli('/nonexistent-wallets', ['watch', '--node', node.url, '--limit', '5']);
    await eventually(() => expect(watching.stdout()).toContain('snapshot of'));
    await node.close();
    const { code, stderr } = await watching.exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^chainlab: GET ${node.url}/events: the node closed the stream`));
  });

  it("exits 1 with the node's reason when it refuses the stream, or naming the request when nothing answers", async () => {
    await using full = await startFakePeer((_, res) =>
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'all streams are open' })),
    );
    expect(await chainlab('watch', '--node', `http://${full.address}`)).toMatchObject({
      code: 1,
      stderr: `chainlab: GET http://${full.address}/events: 429 all streams are open\n`,
    });
    expect(await chainlab('watch', '--node', NOBODY)).toMatchObject({ code: 1, stderr: expect.stringContaining(`GET ${NOBODY}/events: `) });
    await using json = await streamOf('{}', 'application/json');
    expect((await chainlab('watch', '--node', `http://${json.address}`)).stderr).toContain('the answer is not an event stream');
  });
});

describe('chainlab watch, against a hostile node', () => {
  it('refuses a line without end, and hangs up rather than keep reading it', async () => {
    let sent = 0;
    let answer: ServerResponse | undefined;
    await using endless = await startFakePeer((_, res) => {
      answer = res;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: ');
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return;
        }
      };
      res.on('drain', pump);
      pump();
    });
    const { code, stderr } = await chainlab('watch', '--node', `http://${endless.address}`);
    expect(code).toBe(1);
    expect(stderr).toBe(`chainlab: GET http://${endless.address}/events: an event longer than 2097152 bytes: not read further\n`);
    if (answer !== undefined && !answer.destroyed) await once(answer, 'close'); // the CLI hung up
    expect(sent).toBeGreaterThan(2 * 1024 * 1024 - 64 * 1024);
  });

  it('skips keep-alives and retry lines, shows unknown events as they are, and no control character of the node', async () => {
    const snapshot = { node_id: 'evil\u001b[2J\nnode', length: 1, blocks: [], pending_count: 0, peers: [] };
    await using node = await streamOf(
      `retry: 2000\r\n\r\n: keep-alive\n\nevent: surprise\ndata: {"x":1}\n\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\r\n\r\n: keep-alive\n\n`,
    );
    const { code, stdout, stderr } = await chainlab('watch', '--node', `http://${node.address}`);
    expect(stdout).toBe('surprise: {"x":1}\nsnapshot of evil?[2J?node: length 1, tip ?, 0 pending; peers: none\n');
    expect({ code, stderr }).toEqual({ code: 1, stderr: `chainlab: GET http://${node.address}/events: the node closed the stream\n` });
    // In colour, the lines are painted by the CLI, and still carry none of the node's escapes.
    const painted = await startCli('/nonexistent-wallets', ['watch', '--node', `http://${node.address}`], { colour: true }).exited;
    expect(painted.stdout).toContain('\x1b[1msnapshot of evil?[2J?node');
    expect(painted.stdout).toContain('\x1b[2m{"x":1}\x1b[22m');
    expect(painted.stdout).not.toContain('\x1b[2J');
  });

  it('gives up on a node that does not answer, or goes silent, within its limits', async () => {
    await using mute = await startFakePeer(() => {}); // takes the request, never answers
    const limits = { connectMs: 50, idleMs: 50, maxEventBytes: 1024 };
    expect(await watchEvents(`http://${mute.address}`, limits, () => true)).toEqual({
      ok: false,
      reason: `GET http://${mute.address}/events: no answer within 50 ms`,
    });
    await using silent = await startFakePeer((_, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': hello\n\n'));
    expect(await watchEvents(`http://${silent.address}`, limits, () => true)).toEqual({
      ok: false,
      reason: `GET http://${silent.address}/events: nothing for 50 ms, not even a keep-alive`,
    });
  });
});

describe('EventSplitter', () => {
  const feed = (splitter: EventSplitter, text: string) =>
    [...Buffer.from(text)].flatMap((byte) => {
      const events = splitter.push(Uint8Array.of(byte));
      if (!events.ok) throw new Error(events.reason);
      return events.value;
    });

  it('splits events whatever the chunks, joining data lines, and naming an unnamed one message', () => {
    const splitter = new EventSplitter(1000);
    expect(feed(splitter, 'event: mined\ndata: {"a":\ndata: 1}\nid: 7\n\ndata:x\n\n: ping\n\nevent: empty\n\n')).toEqual([
      { event: 'mined', data: '{"a":\n1}' },
      { event: 'message', data: 'x' },
    ]);
  });

  it('counts every line of an event, not only the last, against its bound', () => {
    const splitter = new EventSplitter(100);
    expect(splitter.push(Buffer.from('data: 1\n'.repeat(12))).ok).toBe(true); // 96 bytes
    expect(splitter.push(Buffer.from('data: 1\n'))).toEqual({ ok: false, reason: 'an event longer than 100 bytes: not read further' });
    const fresh = new EventSplitter(100);
    expect(fresh.push(Buffer.from('data: 1\n\n'.repeat(50))).ok).toBe(true); // each event is short
  });
});
