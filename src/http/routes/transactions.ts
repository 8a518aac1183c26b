import type Router from '@koa/router';
import type { Context } from 'koa';
import { toJson, type JsonValue } from '../../chain/py-json.ts';
import { validTransactionUnder } from '../../chain/signed-rules.ts';
import { TRANSACTION_ID } from '../../chain/validate.ts';
import type { ChainNode } from '../../node/chain-node.ts';
import { ClientError } from '../errors.ts';
import { jsonReader } from '../json-body.ts';

/** The reference's POST /transactions/new, where clients hand the node a transaction. */
export const TRANSACTION_PATH = '/transactions/new';

/** What `ctx.type = 'application/json'` sets, set as is: Koa would look the type up on every answer. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** An answer of the route: its status and its JSON body (as JSON_TYPE). */
export interface TransactionAnswer {
  status: number;
  body: string;
}

/**
 * POST /transactions/new as a Koa route. Its answers are answerTransaction's, which the transaction
 * lane (../transaction-lane.ts) gives too, for the requests it takes before Koa sees them.
 */
export function transactionRoutes(router: Router, { node, maxBodyBytes }: { node: ChainNode; maxBodyBytes: number }): void {
  // The busiest route reads its body itself: one middleware layer fewer on every request.
  const readJson = jsonReader(maxBodyBytes);
  router.post(TRANSACTION_PATH, async (ctx: Context) => {
    const { status, body } = await answerTransaction(node, await readJson(ctx));
    ctx.status = status;
    ctx.set('Content-Type', JSON_TYPE);
    ctx.body = body;
  });
}

/**
 * What the route answers for a request's JSON `body`: 201 with the block the transaction will be
 * in, 200 for one already known; a ClientError (400, 409, 413, 429) for one it refuses, and a
 * StoreFailedError (503) when the store cannot take it. Both are errors.ts's to answer.
 */
export async function answerTransaction(node: ChainNode, body: JsonValue): Promise<TransactionAnswer> {
  const verdict = validTransactionUnder(node.txRule, body);
  if (!verdict.ok) throw new ClientError(400, verdict.reason);
  const outcome = await node.addTransaction(verdict.value);
  if (outcome.status === 'invalid') throw new ClientError(400, outcome.reason);
  if (outcome.status === 'too large') throw new ClientError(413, outcome.reason);
  if (outcome.status === 'full') throw new ClientError(429, outcome.reason);
  const id = outcome.transaction.id as string; // the node gives every pooled transaction an id
  if (outcome.status === 'conflict') throw new ClientError(409, `transaction ${id} is already known with other content`);
  if (outcome.status === 'known') return { status: 200, body: toJson({ message: `Transaction ${id} is already known`, id }) };
  return { status: 201, body: createdBody(outcome.index, id) };
}

/**
 * The 201's `{message, id}` as toJson writes it, written here when the id is a TRANSACTION_ID
 * (letters, digits, - and _, which toJson writes as they are), as every id validated or made by
 * the node is: the generic writer was a tenth of the handler's time.
 */
function createdBody(index: number, id: string): string {
  const message = `Transaction will be added to Block ${index}`;
  if (!TRANSACTION_ID.test(id)) return toJson({ message, id });
  return `{"id":"${id}","message":"${message}"}`; // toJson sorts the keys
}
