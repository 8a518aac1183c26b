// The floor of any Koa node's memory: Koa with @koa/router and @koa/bodyparser answering one route,
// nothing else. The bench starts it with chainlab's node flags (bench/adoption.ts) and reads its
// resident memory after one request. PORT comes from the bench; it says "listening" once it does.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';

const app = new Koa();
const router = new Router();
router.post('/echo', (ctx) => {
  ctx.body = { received: ctx.request.body };
});
app.use(bodyParser());
app.use(router.routes());
app.use(router.allowedMethods());
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
