import type { Verdict } from '../chain/validate.ts';

const HOST_PORT =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/**
 * A peer as the reference stores it, its URL's `host:port`. Accepts the reference's URLs
 * (`http://node2:5000`) and bare `host:port`; anything else is rejected with a reason.
 */
export function parsePeerAddress(input: string): Verdict<string> {
  const hint = `expected http://host:port or host:port, got '${input}'`;
  const trimmed = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return fromUrl(trimmed, hint);
  const match = HOST_PORT.exec(trimmed);
  if (match === null || !validPort(match[1]!)) return { ok: false, reason: hint };
  return { ok: true, value: trimmed.toLowerCase() };
}

function fromUrl(input: string, hint: string): Verdict<string> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: hint };
  }
  if (url.protocol !== 'http:') return { ok: false, reason: `only http:// peers are supported, got '${input}'` };
  if (url.username !== '' || url.password !== '' || url.hostname === '') return { ok: false, reason: hint };
  return { ok: true, value: url.port === '' ? `${url.hostname}:80` : url.host };
}

function validPort(port: string): boolean {
  return Number(port) >= 1 && Number(port) <= 65535;
}
