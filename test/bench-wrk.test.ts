// The bench reads wrk's report (bench/http-load.ts): a figure misread would be a figure made up.
import { luaRequest, parseWrk } from '../bench/http-load.ts';

const REPORT = `Running 5s test @ http://127.0.0.1:7312/transactions/new
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  423.61us  12.01ms   91.23%
    Req/Sec    10.61k   512.33    11.20k    82.00%
  Latency Distribution
     50%    1.43ms
     75%    1.61ms
     90%    1.89ms
     99%    3.20ms
  52810 requests in 5.00s, 14.02MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  10561.87
Transfer/sec:      2.80MB
`;

describe("wrk's report", () => {
  test('gives the rate, the median and p99 latency in ms, and every failure counted', () => {
    expect(parseWrk(REPORT)).toEqual({ requestsPerSecond: 10561.87, p50Ms: 1.43, p99Ms: 3.2, failures: 12 });
  });

  test('latencies in us and s are converted; a clean run has no failures', () => {
    const clean = REPORT.replace('1.43ms', '812.00us')
      .replace('3.20ms', '1.05s')
      .replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, '');
    expect(parseWrk(clean)).toEqual({ requestsPerSecond: 10561.87, p50Ms: 0.812, p99Ms: 1050, failures: 0 });
  });

  test('a report without its rate or its latency distribution is refused, not read as zero', () => {
    expect(() => parseWrk(REPORT.replace(/Requests\/sec.*\n/, ''))).toThrow(/Requests\/sec/);
    expect(() => parseWrk(REPORT.replace(/ {5}99%.*\n/, ''))).toThrow(/99% latency/);
  });

  test('the Lua script sends the body as it is, whatever brackets it holds', () => {
    expect(luaRequest('POST', '{"a": "]]"}')).toBe(
      'wrk.method = [[POST]]\nwrk.body = [=[{"a": "]]"}]=]\nwrk.headers["Content-Type"] = "application/json"\n',
    );
    expect(luaRequest('GET', undefined)).toBe('wrk.method = [[GET]]\n');
  });
});
