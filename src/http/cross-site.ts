import type { Context, Middleware } from 'koa';
import { clip } from './clip.ts';

/** Methods that only read; anything else drives the node. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The GET routes that change the node, kept from the reference (the notebook calls them from a
 * browser's address bar or with curl): mining, and resolving conflicts with the peers.
 */
export const STATE_CHANGING_GETS: ReadonlySet<string> = new Set(['/mine', '/nodes/resolve']);

/** The route templates `method path` reaches, as the router matches them (case, trailing slash and all). */
export type RouteMatcher = (method: string, path: string) => readonly string[];

/**
 * Refuses with 403 a request that would drive the node (any method but GET, HEAD and OPTIONS, and
 * the GETs of STATE_CHANGING_GETS) when a browser says it comes from another site: a page
 * elsewhere could otherwise mine, resolve or post through the visitor's browser, since the node
 * has no other authentication. Browsers set `Sec-Fetch-Site` and `Origin` themselves, and no page
 * can forge them; curl and the peers send neither, and the node's own page is same-origin. Reads
 * stay open to all, as they were.
 */
export function refuseCrossSite(routesOf: RouteMatcher): Middleware {
  return (ctx, next) => {
    // Neither header, as from curl, the peers and the notebook: nothing says it is cross-site.
    const { headers } = ctx.req;
    if (headers['sec-fetch-site'] === undefined && headers.origin === undefined) return next();
    if (drivesNode(ctx, routesOf)) {
      const reason = crossSiteReason(ctx);
      if (reason !== undefined) {
        ctx.throw(
          403,
          `${reason}: ${ctx.method} ${clip(ctx.path)} changes this node, so it is served only to the node's own page, curl and peers`,
        );
      }
    }
    return next();
  };
}

function drivesNode(ctx: Context, routesOf: RouteMatcher): boolean {
  if (!READ_METHODS.has(ctx.method)) return true;
  // HEAD runs the GET handler: HEAD /mine mines.
  const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
  return method === 'GET' && routesOf(method, ctx.path).some((route) => STATE_CHANGING_GETS.has(route));
}

/** Why the request is cross-site, or undefined when nothing says it is. */
export function crossSiteReason(ctx: Pick<Context, 'get'>): string | undefined {
  const fetchSite = ctx.get('Sec-Fetch-Site').toLowerCase();
  // `same-site` is another origin too: another port of localhost is another node, or any server.
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return `a ${fetchSite} request (Sec-Fetch-Site)`;
  const origin = ctx.get('Origin');
  if (origin === '') return undefined;
  const host = ctx.get('Host');
  if (!sameHost(origin, host)) return `a request from another origin (Origin ${clip(origin, 100)}, Host ${clip(host, 100)})`;
  return undefined;
}

/** Whether `origin` (`http://localhost:5000`) names the host and port of `host` (`localhost:5000`); `null` names none. */
function sameHost(origin: string, host: string): boolean {
  if (host === '') return false;
  const from = URL.parse(origin);
  if (from === null || (from.protocol !== 'http:' && from.protocol !== 'https:')) return false;
  // Read with the origin's scheme, so that a default port left out of one side matches the other.
  const to = URL.parse(`${from.protocol}//${host}`);
  return to !== null && to.host === from.host && to.pathname === '/' && to.username === '' && to.password === '';
}
