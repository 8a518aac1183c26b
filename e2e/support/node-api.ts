import { docker } from './docker-cli.ts';
import { getJson, getText, parseOrText, postJson, postText, type Reply } from './http.ts';
import { NODE_PORT } from './nodes.ts';

/**
 * One node's HTTP API, however the test process reaches it: through a published port, or from
 * inside its container when it has none (a container cut off from its network loses its
 * published ports until it is connected again).
 */
export interface NodeApi {
  get(path: string): Promise<Reply>;
  post(path: string, body: unknown): Promise<Reply>;
  /** The raw body, for parsing with Python's number rules (src/chain/py-json.ts). */
  getText(path: string): Promise<{ status: number; text: string }>;
  /** Posts a raw JSON text, such as a body a node wrote, byte for byte. */
  postText(path: string, text: string): Promise<Reply>;
}

/** Through `url`, e.g. `http://localhost:32768`. */
export function httpApi(url: string, timeoutMs?: number): NodeApi {
  return {
    get: (path) => getJson(`${url}${path}`, timeoutMs),
    post: (path, body) => postJson(`${url}${path}`, body, timeoutMs),
    getText: (path) => getText(`${url}${path}`, timeoutMs),
    postText: (path, text) => postText(`${url}${path}`, text, timeoutMs),
  };
}

// Runs in the container's own Node.js (the image has no curl): argv is method, path, JSON body.
const IN_CONTAINER_FETCH = `
const [method, path, body] = process.argv.slice(1);
const init = body === '' ? { method } : { method, body, headers: { 'content-type': 'application/json' } };
fetch('http://127.0.0.1:${NODE_PORT}' + path, { ...init, signal: AbortSignal.timeout(30000) })
  .then(async (r) => console.log(JSON.stringify({ status: r.status, text: await r.text() })))
  .catch((e) => { console.error(String(e)); process.exit(1); });`;

/** From inside `container` (docker exec), to the node listening there on loopback. */
export function execApi(container: string): NodeApi {
  const request = async (method: string, path: string, text = '') => {
    const output = await docker(['exec', container, 'node', '-e', IN_CONTAINER_FETCH, method, path, text], 60_000);
    return JSON.parse(output) as { status: number; text: string };
  };
  const reply = async (method: string, path: string, text?: string): Promise<Reply> => {
    const answer = await request(method, path, text);
    return { status: answer.status, body: parseOrText(answer.text) };
  };
  return {
    get: (path) => reply('GET', path),
    post: (path, body) => reply('POST', path, JSON.stringify(body)),
    getText: (path) => request('GET', path),
    postText: (path, text) => reply('POST', path, text),
  };
}
