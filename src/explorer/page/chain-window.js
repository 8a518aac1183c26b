// @ts-check
// Going back through this node's chain. The panel never draws more than one window of blocks: the
// newest, as the events bring them, or a stretch asked for by position (GET /blocks), so a chain of
// any length costs the page the same. The events go on updating the newest blocks meanwhile; the
// panel shows them again on Newest, or on Newer once it reaches the tip.
import { byId, parse } from './dom.js';
import { renderChain } from './node-view.js';
import { shownBlocks, state } from './state.js';

/** @typedef {{ to: number } | { from: number }} Anchor the newest block of a window, or its oldest, by position */

/** Counts the windows asked for: an answer to one asked for earlier comes too late to be shown. */
let asked = 0;

/**
 * Shows the window at `anchor`; one that reaches the tip is the newest blocks, which the panel
 * follows again.
 * @param {Anchor} anchor
 */
async function showWindow(anchor) {
  const ticket = ++asked;
  const query = 'to' in anchor ? 'to=' + anchor.to : 'from=' + anchor.from;
  try {
    const response = await fetch('/blocks?' + query, { headers: { accept: 'application/json' } });
    /** @type {{ length: number, from: number, blocks: import('./state.js').HashedBlock[], error?: string }} */
    const body = parse(await response.text());
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    if (ticket !== asked) return;
    const reachesTip = body.from + body.blocks.length - 1 >= body.length;
    state.window = reachesTip ? null : { from: body.from, blocks: body.blocks };
    renderChain();
  } catch (error) {
    if (ticket !== asked) return;
    const note = byId('chain-note');
    note.hidden = false;
    note.textContent = 'Could not load those blocks: ' + /** @type {Error} */ (error).message;
  }
}

/** Back to the newest blocks, which the events keep up to date. */
function showNewest() {
  asked++;
  state.window = null;
  state.target = null;
  renderChain();
}

/**
 * Shows block `index` at the top of the panel, marked, with the blocks before it below.
 * @param {number} index
 */
function showBlock(index) {
  state.target = Math.min(index, state.length);
  if (state.target < state.length - state.blocks.length + 1) {
    showWindow({ to: state.target });
    return;
  }
  asked++;
  state.window = null; // among the newest
  renderChain();
}

/**
 * After this node adopted another chain from position `from` on, or reconnected (which may hide
 * such a change), a window that holds blocks from there on is asked for again.
 * @param {number} from
 */
export function refreshWindow(from) {
  if (state.window === null) return;
  const to = state.window.from + state.window.blocks.length - 1;
  if (to >= from) showWindow({ to });
}

export function wireChainNav() {
  byId('chain-newest').addEventListener('click', showNewest);
  byId('chain-older').addEventListener('click', () => {
    const { from } = shownBlocks();
    if (from > 1) showWindow({ to: from - 1 });
  });
  byId('chain-newer').addEventListener('click', () => {
    const { from, blocks } = shownBlocks();
    showWindow({ from: from + blocks.length });
  });
  const form = /** @type {HTMLFormElement} */ (byId('chain-goto'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (form.elements.namedItem('index'));
    const index = Number(input.value.trim());
    if (!Number.isSafeInteger(index) || index < 1) {
      const note = byId('chain-note');
      note.hidden = false;
      note.textContent = 'A block is named by its index, a whole number from 1.';
      return;
    }
    showBlock(index);
  });
}
