import { isIP } from 'node:net';
import type { Verdict } from '../chain/validate.ts';

/** Longer than any `http://host:port` (a host name has at most 253 characters): refused before parsing. */
const MAX_INPUT_LENGTH = 300;
/** How much of a refused input its reason repeats. */
const SHOWN_INPUT_LENGTH = 80;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** A bare `host:port`: no path, query, fragment, credentials or spaces, and the port given. */
const BARE = /^[^/?#@\\\s]+:\d{1,5}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * A peer as the reference stores it, its URL's `host:port`, in one canonical spelling: the key under
 * which the node keeps it. Accepts the reference's URLs (`http://node2:5000`, port 80 by default) and
 * bare `host:port`. Both are read by the WHATWG URL parser, which is what normalises the host:
 * `0x7f.1:5000`, `2130706433:5000` and `127.0.0.1.:5000` are `127.0.0.1:5000`, `[0:0::1]:5000` is
 * `[::1]:5000`, `LOCALHOST.:5000` is `localhost:5000`, and an IPv4 address mapped into IPv6 is the IPv4
 * address. Anything else (port 0, a host URL rejects) is refused with a reason.
 */
export function parsePeerAddress(input: string): Verdict<string> {
  const trimmed = input.trim();
  const shownInput = trimmed.length > SHOWN_INPUT_LENGTH ? `${trimmed.slice(0, SHOWN_INPUT_LENGTH)}…` : trimmed;
  const hint: Verdict<string> = { ok: false, reason: `expected http://host:port or host:port, got '${shownInput}'` };
  if (trimmed.length > MAX_INPUT_LENGTH) return hint;
  const isUrl = SCHEME.test(trimmed);
  if (!isUrl && !BARE.test(trimmed)) return hint;
  let url: URL;
  try {
    url = new URL(isUrl ? trimmed : `http://${trimmed}`);
  } catch {
    return hint;
  }
  if (url.protocol !== 'http:') return { ok: false, reason: `only http:// peers are supported, got '${shownInput}'` };
  if (url.username !== '' || url.password !== '') return hint;
  const host = canonicalHost(url.hostname);
  if (host === undefined) return hint;
  // URL leaves out the scheme's default port, 80; it takes port 0, which no peer listens on.
  if (url.port === '0') return { ok: false, reason: `port 0 is not a port a peer can listen on, got '${shownInput}'` };
  return { ok: true, value: joinHostPort(host, url.port === '' ? '80' : url.port) };
}

/** The host as URL parsed it, without a trailing dot, an IPv4 address out of its IPv6 mapping; undefined if it is no host name. */
function canonicalHost(parsed: string): string | undefined {
  if (parsed.startsWith('[')) {
    const ipv6 = parsed.slice(1, -1);
    const mapped = MAPPED_IPV4.exec(ipv6);
    if (mapped === null) return ipv6;
    const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  if (isIP(parsed) === 4) return parsed;
  const name = parsed.endsWith('.') ? parsed.slice(0, -1) : parsed;
  const labels = name.split('.');
  return name.length <= 253 && labels.every((label) => LABEL.test(label)) ? name : undefined;
}

/** Splits a `host:port` (an IPv6 host in brackets) into its host, without brackets, and its port. */
export function splitHostPort(address: string): { host: string; port: string } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: address.slice(colon + 1) };
}

/** `host:port`, with an IPv6 host in brackets. */
export function joinHostPort(host: string, port: string): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
