import { pino } from 'pino';
import { createLogger } from '../../src/log/log.ts';
import { requestLineWriter, type RequestFields } from '../../src/log/request-line.ts';
import { seededRandom, type Random } from '../support/random.ts';

/** A logger of createLogger's, and the lines it was given. */
function recording(level: Parameters<typeof createLogger>[0]) {
  const lines: string[] = [];
  return { log: createLogger(level, { write: (line: string) => void lines.push(line) }), lines };
}

/** A url as Node's parser hands one over: any of its 256 code units, quotes, backslashes and controls among them. */
function url(random: Random): string {
  const length = Math.floor(random() * 40) + (random() < 0.1 ? 60 : 0);
  let text = '/';
  for (let i = 0; i < length; i++)
    text += String.fromCharCode(random() < 0.7 ? 0x20 + Math.floor(random() * 95) : Math.floor(random() * 256));
  return text;
}

describe('requestLineWriter', () => {
  test('writes each line exactly as pino writes it for the same fields, time and bindings included', () => {
    const random = seededRandom(7);
    const ours = recording('info');
    const pinos = recording('info');
    const write = requestLineWriter(ours.log);
    // Written here, not through pino's methods: otherwise the comparison would compare pino with itself.
    const viaPino = [jest.spyOn(ours.log, 'info'), jest.spyOn(ours.log, 'debug')];
    for (let i = 0; i < 2_000; i++) {
      const fields: RequestFields = {
        req_id: random() < 0.5 ? crypto.randomUUID() : 'trace-42.a:b_c',
        method: ['GET', 'POST', 'HEAD', 'M-SEARCH'][Math.floor(random() * 4)]!,
        url: url(random),
        status: 100 + Math.floor(random() * 500),
        ms: Math.round(random() * 100_000) / 10,
      };
      const msg = `${fields.method} ${fields.url} ${fields.status} ${fields.ms}ms`;
      const level = random() < 0.5 ? 'info' : 'debug';
      write(level, fields, msg);
      pinos.log[level](fields, msg);
    }
    // The time is the one part that may differ: the two lines were written a moment apart.
    const untimed = (line: string) => line.replace(/,"time":"[^"]*"/, '');
    expect(ours.lines.length).toBeGreaterThan(500);
    for (const spy of viaPino) expect(spy).not.toHaveBeenCalled();
    expect(ours.lines.map(untimed)).toEqual(pinos.lines.map(untimed));
    expect(ours.lines.every((line) => /^\{"level":30,"time":"\d{4}-\d\d-\d\dT[^"]+Z","pid":\d+,"hostname":/.test(line))).toBe(true);
  });

  test("keeps the logger's level, and a child's bindings, through pino itself", () => {
    const { log, lines } = recording('warn');
    const fields: RequestFields = { req_id: 'a', method: 'GET', url: '/chain', status: 200, ms: 1.5 };
    requestLineWriter(log)('info', fields, 'GET /chain 200 1.5ms');
    expect(lines).toEqual([]);
    const child = log.child({ node_id: 'node1' });
    child.level = 'info';
    requestLineWriter(child)('info', fields, 'GET /chain 200 1.5ms');
    expect(JSON.parse(lines[0]!)).toEqual(
      expect.objectContaining({ node_id: 'node1', req_id: 'a', url: '/chain', msg: 'GET /chain 200 1.5ms' }),
    );
  });

  test("follows the logger's level and bindings as they change, as pino reads them on every line", () => {
    const { log, lines } = recording('info');
    const write = requestLineWriter(log);
    const fields: RequestFields = { req_id: 'a', method: 'GET', url: '/health', status: 200, ms: 0.2 };
    write('debug', fields, 'one');
    log.level = 'debug';
    log.setBindings({ node_id: 'node2' });
    write('debug', fields, 'two');
    log.level = 'silent';
    write('info', fields, 'three');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 20, node_id: 'node2', msg: 'two' }),
    ]);
  });

  test('leaves a stream that routes lines by level (pino.multistream) to pino, which tells it each level', () => {
    const info: string[] = [];
    const debug: string[] = [];
    const streams = pino.multistream([
      { level: 'info', stream: { write: (line: string) => void info.push(line) } },
      { level: 'debug', stream: { write: (line: string) => void debug.push(line) } },
    ]);
    const log = createLogger('debug', streams);
    const write = requestLineWriter(log);
    const fields: RequestFields = { req_id: 'a', method: 'GET', url: '/chain', status: 200, ms: 1 };
    write('info', fields, 'an info line');
    write('debug', fields, 'a debug line');
    expect(info.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['an info line']);
    expect(debug.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['an info line', 'a debug line']);
  });
});
