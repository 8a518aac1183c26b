// Item 4 of issue 11: every spelling of one address is one key, so that 21,000 spellings of
// 127.0.0.1:5000 are one peer; and what is no peer address (port 0, `[:]`) is refused.
import { parsePeerAddress } from '../../src/peers/peer-address.ts';
import { loopbackSpellings } from './peer-world.ts';

describe('parsePeerAddress', () => {
  test.each([
    ['0x7f.0x0.0x0.1:5000', '127.0.0.1:5000'],
    ['0177.0.0.1:5000', '127.0.0.1:5000'],
    ['127.1:5000', '127.0.0.1:5000'],
    ['2130706433:5000', '127.0.0.1:5000'],
    ['127.0.0.1.:5000', '127.0.0.1:5000'],
    ['[::ffff:127.0.0.1]:5000', '127.0.0.1:5000'],
    ['LOCALHOST.:5000', 'localhost:5000'],
    ['[0:0::1]:5000', '[::1]:5000'],
    ['http://[0:0:0:0:0:0:0:1]:5000/', '[::1]:5000'],
    ['http://Node2:5000', 'node2:5000'],
    ['http://node2', 'node2:80'],
    ['node2:80', 'node2:80'],
    ['node2:05000', 'node2:5000'],
    [' node2.example.:5001 ', 'node2.example:5001'],
    ['10.0.0.7:5003', '10.0.0.7:5003'],
    ['192.168.1.20:5000', '192.168.1.20:5000'],
  ])('%s is %s', (input, canonical) => {
    expect(parsePeerAddress(input)).toEqual({ ok: true, value: canonical });
  });

  test('every spelling of one address gives the same key', () => {
    const spellings = loopbackSpellings(800);
    expect(spellings).toHaveLength(800);
    expect(new Set(spellings.map((spelling) => JSON.stringify(parsePeerAddress(spelling))))).toEqual(
      new Set([JSON.stringify({ ok: true, value: '127.0.0.1:5000' })]),
    );
  });

  test.each([
    ['[:]:1', /expected http:\/\/host:port or host:port/],
    ['http://h:0', /port 0/],
    ['h:0', /port 0/],
    ['node2', /expected/],
    ['node2:65536', /expected/],
    ['node2:5000/path', /expected/],
    ['user@node2:5000', /expected/],
    ['http://user:pw@node2:5000', /expected/],
    ['https://node2:5000', /only http:\/\//],
    ['a..:5000', /expected/],
    ['a_b:5000', /expected/],
    ['a*b:5000', /expected/],
    ['not a host:port', /expected/],
    [`${'a'.repeat(400)}:5000`, /expected/],
  ])('%s is refused with a reason', (input, reason) => {
    const verdict = parsePeerAddress(input);
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  test('a refused input is quoted shortened', () => {
    const verdict = parsePeerAddress(`${'a'.repeat(5000)}:5000`);
    expect(verdict.ok || verdict.reason.length).toBeLessThan(200);
  });
});
