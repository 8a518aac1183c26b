// @ts-check
// Elements and the text in them. Data only ever reaches the page as text (textContent,
// attributes), never as markup: transactions come from anyone.

/**
 * The page's element with this id; the page has every one it asks for.
 * @param {string} id
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error('the page has no #' + id);
  return node;
}

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * An element with text, attributes and children; strings become text nodes, never markup.
 * @param {string} tag
 * @param {Record<string, unknown>} [props] `text`, `class`, `data` (dataset), `vars` (CSS custom properties), else attributes
 * @param {Child[]} [children]
 */
export function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = String(value);
    else if (key === 'data') Object.assign(node.dataset, value);
    else if (key === 'vars') for (const [name, v] of Object.entries(value)) node.style.setProperty(name, String(v));
    else node.setAttribute(key, String(value));
  }
  for (const child of children || []) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/**
 * JSON as the node wrote it, except that an amount keeps its written form (5.0 stays 5.0).
 * @param {string} json
 * @returns {any} whatever the node sent: its shape is the OpenAPI document's
 */
export function parse(json) {
  return JSON.parse(json, amountAsWritten);
}

/**
 * @param {string} key
 * @param {unknown} value
 * @param {{ source?: unknown }} [context] the source text, where the browser gives it (JSON.parse source text access)
 */
function amountAsWritten(key, value, context) {
  return key === 'amount' && typeof value === 'number' && context && typeof context.source === 'string' ? context.source : value;
}

/** @param {unknown} value */
export function text(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** @param {unknown} hash */
export function short(hash) {
  const full = text(hash);
  return full.length > 14 ? full.slice(0, 10) + '\u2026' : full;
}

/**
 * A hue from a hash, so the same block has the same colour wherever it is shown.
 * @param {unknown} hash
 */
function hueOf(hash) {
  const full = text(hash);
  return /^[0-9a-f]{6}/.test(full) ? parseInt(full.slice(0, 6), 16) % 360 : 0;
}

/**
 * A shortened hash with the full value on hover, coloured by its value.
 * @param {unknown} hash
 * @param {string} [extraClass]
 */
export function hashChip(hash, extraClass) {
  const isHash = /^[0-9a-f]{64}$/.test(text(hash));
  return el('code', {
    class: 'hash' + (isHash ? '' : ' plain') + (extraClass ? ' ' + extraClass : ''),
    title: text(hash),
    text: short(hash),
    vars: isHash ? { '--hue': hueOf(hash) } : undefined,
  });
}

/** @param {Date} date */
export function clock(date) {
  return date.toLocaleTimeString([], { hour12: false });
}

/** @param {unknown} seconds since the epoch, as a block's timestamp holds them */
export function blockTime(seconds) {
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return text(seconds);
  return date.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' }) + ' ' + clock(date);
}

/** @param {number} ms */
export function seconds(ms) {
  return (ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1)) + ' s';
}

/**
 * @param {number} n
 * @param {string} noun
 */
export function count(n, noun) {
  return n + ' ' + noun + (n === 1 ? '' : 's');
}
