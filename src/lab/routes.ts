import type Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody, bodyOf } from '../http/json-body.ts';
import { sendJson } from '../http/send-json.ts';
import { refuseCutPeers } from './inbound.ts';
import type { CommandOutcome, Lab } from './lab.ts';
import { commandJson } from './relay.ts';
import type { Verdict } from '../chain/validate.ts';

/**
 * The lab's routes (LAB=on; with LAB=off none is registered, and every /lab/* path is a 404), and
 * the check of peers' requests. Registered before every other route, so that check runs first.
 */
export function labRoutes(router: Router, { lab, maxBodyBytes }: { lab: Lab; maxBodyBytes: number }): void {
  const json = jsonBody(maxBodyBytes);
  router.use(refuseCutPeers(lab));

  router.get('/lab', (ctx) => sendJson(ctx, 200, lab.view()));

  const answer = (ctx: Context, outcome: Verdict<CommandOutcome>) => {
    if (!outcome.ok) ctx.throw(400, `${outcome.reason}; nothing was changed`);
    const { lab: view, relayed } = outcome.value;
    sendJson(ctx, 200, { lab: view, relayed: relayed.map((r) => ({ ...r })) });
  };
  router.post('/lab/partition', json, async (ctx: Context) => answer(ctx, await lab.partition(bodyOf(ctx))));
  router.post('/lab/heal', async (ctx: Context) => answer(ctx, await lab.heal()));

  router.post('/lab/links', json, (ctx: Context) => {
    const outcome = lab.setLink(bodyOf(ctx));
    if (!outcome.ok) ctx.throw(400, `${outcome.reason}; nothing was changed`);
    sendJson(ctx, 200, outcome.value);
  });
  router.post('/lab/pause', (ctx) => {
    lab.faults.pause();
    sendJson(ctx, 200, lab.view());
  });
  router.post('/lab/resume', (ctx) => {
    lab.faults.resume();
    sendJson(ctx, 200, lab.view());
  });

  // What peers say to each other about lab commands (relay.ts).
  router.get('/lab/commands/:id', (ctx: Context) => {
    const { id = '' } = ctx.params as { id?: string };
    const command = lab.relay.command(id);
    if (command === undefined) ctx.throw(404, `no lab command ${id} is known here`);
    sendJson(ctx, 200, commandJson(command));
  });
  router.post('/lab/relay', json, async (ctx: Context) => {
    const outcome = await lab.relay.receive(bodyOf(ctx));
    if (!outcome.ok) ctx.throw(outcome.status, outcome.reason);
    sendJson(ctx, 200, { status: outcome.status });
  });
}
