// The floor of any Koa node: Koa with @koa/router and @koa/bodyparser and nothing else. The bench
// starts it with chainlab's node flags and reads its resident memory after one request to POST
// /echo (bench/adoption.ts), and loads its POST /transactions/new, which parses the body and
// answers 201 with a small JSON body as bare-http.ts does, to show what Koa itself costs a request
// (bench/http-rows.ts). No validation, no pool, no log. PORT comes from the bench (0: any free
// port); it says `listening PORT` on stdout once it listens.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';

const app = new Koa();
const router = new Router();
let count = 0;
router.post('/echo', (ctx) => {
  ctx.body = { received: ctx.request.body };
});
router.post('/transactions/new', (ctx) => {
  ctx.status = 201;
  ctx.body = { message: `Transaction will be added to Block ${++count}`, ok: typeof ctx.request.body === 'object' };
});
app.use(bodyParser());
app.use(router.routes());
app.use(router.allowedMethods());
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));
