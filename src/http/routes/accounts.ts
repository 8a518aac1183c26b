import type Router from '@koa/router';
import type { Context } from 'koa';
import { ADDRESS } from '../../chain/signed-rules.ts';
import type { ChainNode } from '../../node/chain-node.ts';
import { sendJson } from '../send-json.ts';

/** GET /accounts/:address, under TX_RULE=signed: see paths-accounts.ts. */
export function accountsRoutes(router: Router, { node }: { node: ChainNode }): void {
  router.get('/accounts/:address', (ctx: Context) => {
    const { signed } = node;
    if (signed === undefined) ctx.throw(404, 'this node runs TX_RULE=open, which keeps no accounts: anyone may send anything');
    const { address } = ctx.params as { address?: string };
    if (address === undefined || !ADDRESS.test(address))
      ctx.throw(400, 'address must be 64 lowercase hex digits, a raw Ed25519 public key');
    const { balance, available, next_nonce } = signed.account(address);
    sendJson(ctx, 200, { address, balance, available, next_nonce });
  });
}
