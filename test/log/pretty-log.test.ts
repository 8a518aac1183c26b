import { pino } from 'pino';
import { createLogger } from '../../src/log/log.ts';
import { formatRecord, prettyStream } from '../../src/log/pretty-log.ts';

/** 12:01:02.345 today in this machine's time zone, as pino's isoTime writes it (in UTC). */
const AT = new Date(2024, 0, 2, 12, 1, 2, 345).toISOString();

const record = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: AT, pid: 7, hostname: 'box', ...fields });

describe('LOG_FORMAT=pretty', () => {
  test('a record is one line: time, level, node, message, then the fields the message does not state', () => {
    const line = record({
      peer: 'node2:5000',
      length: 3,
      from: 2,
      dropped: 0,
      returned: 0,
      msg: 'adopted the chain of node2:5000 (3 blocks, from block 2 on)',
    });
    expect(formatRecord(line, { name: 'node1' })).toBe(
      '12:01:02.345 INFO  node1  adopted the chain of node2:5000 (3 blocks, from block 2 on) dropped=0 returned=0',
    );
  });

  test('a request line keeps only its id: method, url, status and time are in the message', () => {
    const line = record({
      level: 20,
      req_id: 'trace-1',
      method: 'GET',
      url: '/chain/tip',
      status: 200,
      ms: 0.8,
      msg: 'GET /chain/tip 200 0.8ms',
    });
    expect(formatRecord(line, { name: 'node1' })).toBe('12:01:02.345 DEBUG node1  GET /chain/tip 200 0.8ms req_id=trace-1');
  });

  test('levels are named and aligned; a value is quoted when it must be, objects are JSON', () => {
    const lines = [
      record({ level: 40, peer: 'node3:5000', reason: 'unreachable: connect ECONNREFUSED', msg: 'peer node3:5000 is down' }),
      record({ level: 60, msg: 'bad configuration: PORT must be a whole number' }),
      record({ peers: ['node2:5000', 'node3:5000'], gossip: true, data_dir: null, msg: 'listening' }),
    ].map((line) => formatRecord(line, { name: 'n1' }));
    expect(lines).toEqual([
      '12:01:02.345 WARN  n1  peer node3:5000 is down reason="unreachable: connect ECONNREFUSED"',
      '12:01:02.345 FATAL n1  bad configuration: PORT must be a whole number',
      '12:01:02.345 INFO  n1  listening peers=["node2:5000","node3:5000"] gossip=true data_dir=null',
    ]);
  });

  test('a value is stated only as a word of its own: not by a longer number or address that holds it', () => {
    const line = record({ dropped: 0, port: 500, index: 7, msg: 'listening on node2:5000, peer 10.0.0.7:5003' });
    expect(formatRecord(line, { name: 'n1' })).toBe(
      '12:01:02.345 INFO  n1  listening on node2:5000, peer 10.0.0.7:5003 dropped=0 port=500 index=7',
    );
    const stated = record({ host: '127.0.0.1', port: 5101, msg: 'listening on 127.0.0.1:5101' });
    expect(formatRecord(stated, { name: 'n1' })).toBe('12:01:02.345 INFO  n1  listening on 127.0.0.1:5101');
  });

  test('an error shows its type, message and where it was thrown; a message with line breaks stays on one line', () => {
    const err = {
      type: 'Error',
      message: 'disk on fire',
      stack: 'Error: disk on fire\n    at mine (/app/src/node/miner.ts:40:11)\n    at next (koa)',
    };
    const line = record({ level: 50, err, req_id: 'mine-1', msg: 'unexpected error:\ndisk on fire' });
    expect(formatRecord(line, { name: 'n1' })).toBe(
      '12:01:02.345 ERROR n1  unexpected error:\\ndisk on fire err="Error: disk on fire at mine (/app/src/node/miner.ts:40:11)" req_id=mine-1',
    );
  });

  test('without a node name (the configuration failed) the column is left out; a line that is not JSON passes as it is', () => {
    expect(formatRecord(record({ level: 60, msg: 'bad configuration' }), { name: undefined })).toBe('12:01:02.345 FATAL bad configuration');
    expect(formatRecord('not json\n', { name: 'n1' })).toBe('not json');
  });

  test('as a pino destination: every record pino writes comes out as one formatted line', () => {
    const out: string[] = [];
    const log = createLogger('debug', prettyStream({ write: (text: string) => out.push(text) }, { name: 'node1' }));
    log.info({ peer: 'node2:5000', length: 3 }, 'peer node2:5000 is up (3 blocks)');
    log.debug('quiet');
    expect(out).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}node1 {2}peer node2:5000 is up \(3 blocks\)\n$/),
      expect.stringMatching(/ DEBUG node1 {2}quiet\n$/),
    ]);
  });

  test('times come from the record: a logger with a fixed clock gives a fixed line', () => {
    const out: string[] = [];
    const log = pino(
      { timestamp: () => `,"time":"${AT}"`, base: undefined },
      prettyStream({ write: (text: string) => out.push(text) }, { name: 'node1' }),
    );
    log.warn({ peer: 'node3:5000' }, 'peer node3:5000 is down');
    expect(out).toEqual(['12:01:02.345 WARN  node1  peer node3:5000 is down\n']);
  });
});
