// POST /transactions/new is what a class of clients (and every load test) sends most, and Koa's
// context, its middleware chain and its router cost more per request than everything the node
// does with a transaction. So the requests of that route that need nothing those layers give are
// answered here, straight off node:http, and every other request goes to the app.
//
// "Need nothing" is decided from the request line and headers alone, before a byte of the body is
// read, so a request is either wholly the lane's or wholly Koa's:
// - exactly `POST /transactions/new` (no query, no trailing slash: the router's business);
// - a body the app would read straight off the socket too (json-body.ts's plainBodyLength: plain
//   UTF-8 JSON, its length announced and within the limit); any other goes through Koa's body
//   parser, with its decompression, charsets and 413s;
// - no `Origin` and no `Sec-Fetch-Site`: what cross-site.ts lets through without a look, as from
//   curl, the notebook's `requests`, ky and the peers. A browser's request goes to the app, whose
//   check refuses a page of another site.
// For those, the app's middleware would do nothing but what the lane does with the same parts: the
// request's id, log line and metrics (request-log.ts's RequestRecorder), the route's answer
// (routes/transactions.ts's answerTransaction) and the one mapping of errors to answers
// (errors.ts's errorAnswer). test/http/transaction-lane.test.ts holds the two to the same answers.
// The lane's answers are written together at the end of each turn of the event loop, which is
// where most of a loaded node's time went (answer-batch.ts).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log/log.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { AnswerBatch } from './answer-batch.ts';
import { errorAnswer, reportError } from './errors.ts';
import { parsedBody, plainBodyLength, readPlainBody } from './json-body.ts';
import type { RecordedRequest, RequestRecorder } from './request-log.ts';
import { answerTransaction, JSON_TYPE, TRANSACTION_PATH, type TransactionAnswer } from './routes/transactions.ts';

export interface TransactionLaneDeps {
  node: ChainNode;
  log: Logger;
  maxBodyBytes: number;
  /** The app's own recorder, so that a request logs and counts the same whoever answers it. */
  recorder: RequestRecorder;
}

/** `app` (the Koa app's listener) with the lane in front: see the top of this file. */
export function transactionLane(deps: TransactionLaneDeps, app: RequestListener): RequestListener {
  // Each write handles its own bugs (see answer); this hears of one that escapes it, and the rest are still written.
  const batch = new AnswerBatch((error) => reportError(deps.log, asError(error), undefined));
  return (req, res) => {
    if (!takes(req, deps.maxBodyBytes)) return app(req, res);
    // answer() catches what the route throws; this is for a bug around it (the log, the metrics),
    // which Koa would have caught too: a rejection left unhandled would stop the node.
    answer(req, res, deps, batch).catch((error: unknown) => failed(res, error, deps.log));
  };
}

/** Whether the lane answers `req`, from its request line and headers alone. */
export function takes(req: IncomingMessage, maxBodyBytes: number): boolean {
  const { headers } = req;
  return (
    req.method === 'POST' &&
    req.url === TRANSACTION_PATH &&
    headers.origin === undefined &&
    headers['sec-fetch-site'] === undefined &&
    plainBodyLength(req, maxBodyBytes) !== undefined
  );
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  { node, log, recorder }: TransactionLaneDeps,
  batch: AnswerBatch,
): Promise<void> {
  const request = recorder.begin(req);
  reportSocketErrors(res, (error) => reportError(log, error, request.id));
  const { status, body } = await answerOrError(
    request,
    () => readPlainBody(req).then((text) => answerTransaction(node, parsedBody(text))),
    log,
  );
  // Written with the other answers of this turn (see answer-batch.ts), then logged: a bug in the
  // log must not turn the 201 of a pooled transaction into a 500. So the lane's time includes the
  // wait for the end of the turn, where Koa's stops just before it writes.
  batch.add(() => {
    try {
      // As Koa does, nothing is written to a client that hung up: the request is logged all the same.
      if (!res.destroyed && !res.writableEnded) send(res, { status, body }, request.headers);
      recorder.end(request, 'POST', TRANSACTION_PATH, status, TRANSACTION_PATH);
    } catch (error) {
      failed(res, error, log);
    }
  });
}

/** The route's answer, or the error middleware's for what it threw, the unexpected logged as the app logs them. */
async function answerOrError(
  request: RecordedRequest,
  answering: () => Promise<TransactionAnswer>,
  log: Logger,
): Promise<TransactionAnswer> {
  try {
    return await answering();
  } catch (error) {
    const { status, body, unexpected } = errorAnswer(error);
    if (unexpected) reportError(log, asError(error), request.id);
    return { status, body };
  }
}

/** The response a socket's error is reported for, while it is unfinished: see reportSocketErrors. */
interface Watched {
  res: ServerResponse;
  report: ((error: Error) => void) | undefined;
}

/** The lane's sockets, each with the one error listener it was given: a socket carries many requests. */
const watched = new WeakMap<Socket, Watched>();

/**
 * What Koa does for each response (with on-finished): an error of the socket before the response
 * is finished (the client hung up mid-body, sent bytes that are not HTTP after the request, or
 * took longer than the server's requestTimeout) goes to the app's error report, once. A socket
 * gets one listener for its life, which reports for whichever response it carries then: three
 * listeners added and taken off again on every request cost more than the rest of the log did.
 */
function reportSocketErrors(res: ServerResponse, report: (error: Error) => void): void {
  const { socket } = res;
  // A request pipelined behind another gets its socket once the one before it is answered.
  if (socket === null) return void res.once('socket', (given: Socket) => watch(given, res, report));
  watch(socket, res, report);
}

function watch(socket: Socket, res: ServerResponse, report: (error: Error) => void): void {
  const watching = watched.get(socket);
  if (watching !== undefined) {
    watching.res = res;
    watching.report = report;
    return;
  }
  const entry: Watched = { res, report };
  watched.set(socket, entry);
  socket.on('error', (error: Error) => {
    const { res: current, report: reporting } = entry;
    entry.report = undefined;
    if (reporting !== undefined && !current.writableFinished) reporting(error);
  });
}

/** A bug outside the route's answer: logged, and a bare 500 if nothing was sent yet. */
function failed(res: ServerResponse, error: unknown, log: Logger): void {
  reportError(log, asError(error), undefined);
  if (res.headersSent) return void res.destroy();
  res.statusMessage = ''; // a writeHead that threw may have set its own, which writeHead would keep
  send(res, errorAnswer(error));
}

/**
 * An answer as JSON, with the recorder's `headers`: all of them given to writeHead at once, as a
 * list, which Node writes as it is (each header set on its own first would be merged one by one).
 */
function send(res: ServerResponse, { status, body }: TransactionAnswer, headers: readonly string[] = []): void {
  res.writeHead(status, [...headers, 'Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(body))]).end(body);
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
