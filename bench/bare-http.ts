// What Node itself allows for POST /transactions/new: a bare node:http server that reads the JSON
// body, parses it and answers 201 with a small JSON body, and does nothing else (no validation, no
// pool, no log). Run as its own process, as the nodes it is measured against are:
// `node dist-bench/bench/bare-http.js PORT`; it says `listening` on stdout once it is.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
let count = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error": "invalid JSON"}');
      return;
    }
    const body = JSON.stringify({ message: `Transaction will be added to Block ${++count}`, ok: typeof parsed === 'object' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : port}`);
});
process.once('SIGTERM', () => process.exit(0));
