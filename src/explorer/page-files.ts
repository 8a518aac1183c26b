import type Router from '@koa/router';
import type { Context } from 'koa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The explorer page's folder: src/explorer/page under ts-jest, dist/explorer/page once built
 * (npm run build copies it there beside the compiled code). A function, so that importing
 * PAGE_FILES (the contract does) needs no `__dirname`, which an ES module loader lacks.
 */
export function pageDir(): string {
  return join(__dirname, 'page');
}

const HTML = 'text/html; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/**
 * Every file of the page, by the path it is served at. A fixed list: no request names a file, so
 * nothing outside the page, and nothing in it but these, can be served. The modules import each
 * other as './x.js', which the browser resolves beside /explorer/explorer.js.
 */
export const PAGE_FILES: readonly { path: string; file: string; type: string }[] = [
  { path: '/', file: 'index.html', type: HTML },
  { path: '/explorer/explorer.css', file: 'explorer.css', type: CSS },
  { path: '/explorer/explorer.js', file: 'explorer.js', type: JS },
  { path: '/explorer/accounts.js', file: 'accounts.js', type: JS },
  { path: '/explorer/actions.js', file: 'actions.js', type: JS },
  { path: '/explorer/api.js', file: 'api.js', type: JS },
  { path: '/explorer/block-tree.js', file: 'block-tree.js', type: JS },
  { path: '/explorer/chain-window.js', file: 'chain-window.js', type: JS },
  { path: '/explorer/dom.js', file: 'dom.js', type: JS },
  { path: '/explorer/events.js', file: 'events.js', type: JS },
  { path: '/explorer/faults.js', file: 'faults.js', type: JS },
  { path: '/explorer/key-store.js', file: 'key-store.js', type: JS },
  { path: '/explorer/lab.js', file: 'lab.js', type: JS },
  { path: '/explorer/network.js', file: 'network.js', type: JS },
  { path: '/explorer/node-view.js', file: 'node-view.js', type: JS },
  { path: '/explorer/signatures.js', file: 'signatures.js', type: JS },
  { path: '/explorer/signed-message.js', file: 'signed-message.js', type: JS },
  { path: '/explorer/state.js', file: 'state.js', type: JS },
  { path: '/explorer/wallet.js', file: 'wallet.js', type: JS },
];

export interface PageFile {
  path: string;
  type: string;
  body: Buffer;
  /** A strong validator from the content: the files change only with a new build. */
  etag: string;
}

/** The page's files by path; or, when they could not be read (a build that did not copy them), why. */
export type Page = ReadonlyMap<string, PageFile> | Error;

/** Reads the page's files from `dir`, once: they do not change while the node runs. */
export function readPage(dir: string): Page {
  try {
    return new Map(PAGE_FILES.map(({ path, file, type }) => [path, pageFile(path, type, readFileSync(join(dir, file)))]));
  } catch (error) {
    return new Error(
      `the explorer page cannot be served: ${(error as Error).message} (npm run build copies src/explorer/page to dist/explorer/page)`,
    );
  }
}

function pageFile(path: string, type: string, body: Buffer): PageFile {
  return { path, type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * GET for each of the page's files. A page that could not be read fails each request with the
 * reason (a 500, logged), while the rest of the node runs on.
 */
export function pageRoutes(router: Router, page: Page): void {
  for (const { path } of PAGE_FILES) {
    router.get(path, (ctx) => {
      if (page instanceof Error) throw page;
      serve(ctx, page.get(path)!);
    });
  }
}

/**
 * Transactions come from anyone: even if some text slipped into the DOM as markup, no script but ours
 * would run, and the page could only talk to its own node.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  // The page only ever writes text: a string handed to innerHTML, or to any other sink that parses markup or code, throws.
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

function serve(ctx: Context, file: PageFile): void {
  // Revalidated on every load (the names carry no version), and answered 304 while the build is the same.
  ctx.set('Cache-Control', 'no-cache');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.type = file.type;
  ctx.etag = file.etag;
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = file.body;
}
