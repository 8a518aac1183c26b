import { cachedHash } from '../chain/block-hash-cache.ts';
import { toJson, type JsonObject, type JsonValue } from '../chain/py-json.ts';
import { isObject } from '../chain/validate.ts';
import { clip } from '../http/clip.ts';
import { ExchangeDeadline } from '../peers/exchange-deadline.ts';
import type { LabReader } from './lab-read.ts';

/** Most dropped blocks shown per node, the newest: the tree draws them beside the branches near the tips. */
export const LAB_DROPPED_SHOWN = 20;
/** Most returned transactions shown per dropped block; `returned_count` says how many there were. */
export const LAB_RETURNED_SHOWN = 10;
/** Most reasons shown of a node's verdict on its own chain (the first is the first broken block). */
const REASONS_SHOWN = 5;
/** A node's faults (GET /lab) are a few groups and links: more than this is not shown. */
const FAULTS_BYTES = 16 * 1024;
/** GET /lab and GET /chain/verify are small answers. */
const SMALL_READ_BYTES = 64 * 1024;
/** GET /lab/dropped holds whole blocks: up to MAX_DROPPED_BYTES of them (src/node/dropped-blocks.ts), and its framing. */
const DROPPED_READ_BYTES = 5 * 1024 * 1024;

/** What a node's lab shows: its faults, whether its own chain is valid, and the blocks it dropped in reorgs. */
export interface LabMember extends JsonObject {
  /** GET /lab as the node gave it: {groups, links, paused, mining}; null when its lab is off or it did not answer. */
  faults: JsonValue;
  /** GET /chain/verify's `valid`; null when not known. */
  valid: boolean | null;
  reasons: string[];
  /** The newest LAB_DROPPED_SHOWN blocks it dropped, oldest first. */
  dropped: DroppedBlock[];
  dropped_count: number;
  /** Why any of the above is missing. */
  error: string | null;
}

/** A block a node dropped in a reorg, and the transactions of it that went back to the node's pool. */
export interface DroppedBlock extends JsonObject {
  index: number | null;
  hash: string;
  previous_hash: string | null;
  /** The peer whose chain replaced it. */
  replaced_by: string | null;
  returned: JsonValue[];
  returned_count: number;
}

/**
 * The lab of each node at `addresses`, all at once, each under one deadline. A node whose GET /lab
 * answers 404 has its lab off, and is asked nothing more; otherwise its verdict on its own chain and
 * its dropped blocks are asked for together. Everything is cut to a bounded size here, whatever a
 * node sends, so a page poll costs the same however long a node has been forking.
 */
export async function labView(addresses: readonly (string | null)[], read: LabReader): Promise<(LabMember | null)[]> {
  return Promise.all(addresses.map((address) => (address === null ? Promise.resolve(null) : labOf(address, read))));
}

async function labOf(address: string, read: LabReader): Promise<LabMember | null> {
  using deadline = new ExchangeDeadline();
  const faults = await read(address, '/lab', deadline, SMALL_READ_BYTES);
  if (!faults.ok && faults.status === 404) return null;
  const member: LabMember = { faults: null, valid: null, reasons: [], dropped: [], dropped_count: 0, error: null };
  if (!faults.ok) return { ...member, error: faults.reason };
  const text = toJson(faults.value.body);
  if (!isObject(faults.value.body) || text.length > FAULTS_BYTES)
    return { ...member, error: `GET ${address}/lab: expected {groups, links, paused, mining} within ${FAULTS_BYTES} bytes` };
  member.faults = faults.value.body;

  const [verify, dropped] = await Promise.all([
    read(address, '/chain/verify', deadline, SMALL_READ_BYTES),
    read(address, '/lab/dropped', deadline, DROPPED_READ_BYTES),
  ]);
  const errors: string[] = [];
  if (verify.ok && isObject(verify.value.body) && typeof verify.value.body.valid === 'boolean') {
    member.valid = verify.value.body.valid;
    const reasons = Array.isArray(verify.value.body.reasons) ? verify.value.body.reasons : [];
    member.reasons = reasons.slice(0, REASONS_SHOWN).map((reason) => clip(typeof reason === 'string' ? reason : toJson(reason), 300));
  } else errors.push(verify.ok ? `GET ${address}/chain/verify: expected {valid, reasons}` : verify.reason);
  if (dropped.ok) {
    const blocks = droppedBlocks(dropped.value.body);
    member.dropped_count = blocks.length;
    member.dropped = blocks.slice(-LAB_DROPPED_SHOWN);
  } else errors.push(dropped.reason);
  member.error = errors.length > 0 ? errors.join('; ') : null;
  return member;
}

/**
 * The blocks of a GET /lab/dropped answer ({blocks: [{position, hash, block, replaced_by, returned}]},
 * src/node/dropped-blocks.ts), oldest first; an entry not of that shape is left out.
 */
export function droppedBlocks(body: JsonValue): DroppedBlock[] {
  const entries = isObject(body) && Array.isArray(body.blocks) ? body.blocks : [];
  const blocks: DroppedBlock[] = [];
  for (const entry of entries) {
    if (!isObject(entry) || !isObject(entry.block)) continue;
    const { block, position } = entry;
    const returned = Array.isArray(entry.returned) ? entry.returned : [];
    blocks.push({
      index: typeof position === 'number' && Number.isSafeInteger(position) ? position : null,
      hash: typeof entry.hash === 'string' ? clip(entry.hash, 64) : cachedHash(block),
      previous_hash: typeof block.previous_hash === 'string' ? clip(block.previous_hash, 64) : null,
      replaced_by: typeof entry.replaced_by === 'string' ? clip(entry.replaced_by, 256) : null,
      returned: returned.slice(0, LAB_RETURNED_SHOWN).map(shownTransaction),
      returned_count: returned.length,
    });
  }
  return blocks;
}

/** A transaction with only the fields the page shows, each cut short. */
function shownTransaction(tx: JsonValue): JsonObject {
  if (!isObject(tx)) return { sender: clip(toJson(tx), 200) };
  const shown: JsonObject = {};
  for (const key of ['sender', 'recipient', 'amount', 'id']) {
    const value = tx[key];
    if (value === undefined) continue;
    // A number, a float as written (PyFloat) or a bigint goes as it is; text and anything nested, cut short.
    shown[key] = typeof value === 'string' ? clip(value, 200) : Array.isArray(value) || isObject(value) ? clip(toJson(value), 200) : value;
  }
  return shown;
}
