// After a long chain is adopted or restored, one memory-reducing collection gives back what it
// passed through; only then, only once the loop is quiet, at most once a minute.
import { toJson } from '../../src/chain/py-json.ts';
import { silentLogger } from '../../src/log/log.ts';
import { MemoryRelease, type MemoryReleaseOptions } from '../../src/node/memory-release.ts';
import { buildChain } from '../support/chains.ts';
import { eventually } from '../support/eventually.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';

const OPTIONS: MemoryReleaseOptions = {
  minBlocks: 1000,
  maxChainBlocks: 20_000,
  minIntervalMs: 60_000,
  checkMs: 100,
  quietShare: 0.25,
  maxWaitMs: 5000,
};

/** A release whose loop is as busy as `busy` says, on jest's fake clock; it collects into `collect`. */
function releaseWith(busy: { share: number }) {
  const collect = jest.fn();
  const deps = { collect, log: silentLogger, loopBusy: () => busy.share, now: () => Date.now() };
  const release = new MemoryRelease(deps, OPTIONS);
  /** `ms` pass, the timer checking the loop as it goes. */
  const pass = (ms: number) => jest.advanceTimersByTime(ms);
  return { release, collect, pass };
}

describe('MemoryRelease', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('collects once after a long adoption, when the loop has gone quiet', () => {
    const busy = { share: 1 };
    const { release, collect, pass } = releaseWith(busy);
    release.afterBulk(9999, 10_000);
    pass(300); // still answering GET /nodes/resolve
    expect(collect).not.toHaveBeenCalled();
    busy.share = 0.1;
    pass(100);
    expect(collect).toHaveBeenCalledTimes(1);
    pass(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a short adoption is not worth a pause', () => {
    const { release, collect, pass } = releaseWith({ share: 0 });
    release.afterBulk(999, 10_000);
    pass(1000);
    expect(collect).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('at most one collection per interval: a long adoption soon after another is left to V8', () => {
    const { release, collect, pass } = releaseWith({ share: 0 });
    release.afterBulk(5000, 10_000);
    pass(100);
    release.afterBulk(5000, 10_000);
    pass(30_000);
    expect(collect).toHaveBeenCalledTimes(1);
    pass(30_000);
    release.afterBulk(5000, 10_000);
    pass(100);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  test('a node that stays busy is left to V8: it gives up after maxWaitMs', () => {
    const busy = { share: 0.9 };
    const { release, collect, pass } = releaseWith(busy);
    release.afterBulk(5000, 10_000);
    pass(5000);
    busy.share = 0;
    pass(1000);
    expect(collect).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a chain too long to collect in one short pause is left to V8 (its memory reducer works incrementally)', () => {
    const { release, collect, pass } = releaseWith({ share: 0 });
    release.afterBulk(99_999, 100_000);
    pass(1000);
    expect(collect).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('without a collector (node run without --expose-gc) nothing is scheduled', () => {
    const release = new MemoryRelease({ collect: undefined, log: silentLogger }, OPTIONS);
    release.afterBulk(9999, 10_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('stop() drops a collection still waiting', () => {
    const { release, collect, pass } = releaseWith({ share: 1 });
    release.afterBulk(5000, 10_000);
    release.stop();
    pass(1000);
    expect(collect).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('a node started with --expose-gc', () => {
  const exposed = globalThis.gc;
  afterEach(() => {
    globalThis.gc = exposed;
  });

  test('collects once after adopting a long chain from a peer, in its memory-reducing flavour', async () => {
    const gc = jest.fn();
    globalThis.gc = gc;
    const chain = buildChain(1001, { difficulty: 1 });
    const body = toJson({ chain, length: chain.length });
    await using peer = await startFakePeer((req, res) => {
      if (req.url !== '/chain') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await using node = await startTestNode({ DIFFICULTY: '1' });
    await call(`${node.url}/nodes/register`, { json: { nodes: [`http://${peer.address}`] } });
    expect((await call(`${node.url}/nodes/resolve`)).body.message).toBe('Our chain was replaced');
    await eventually(() => expect(gc).toHaveBeenCalledWith({ type: 'major', execution: 'sync', flavor: 'last-resort' }));
    expect(gc).toHaveBeenCalledTimes(1);
  });
});
