import { crc32 } from 'node:zlib';
import type { ChainChange } from '../chain/blockchain.ts';
import { toJson, type JsonValue } from '../chain/py-json.ts';
import { parseJson } from '../chain/py-json-parse.ts';
import { isObject, type Verdict } from '../chain/validate.ts';

/**
 * Why a log is not all good records. `torn`: its last line has no end, which is what a crash
 * during an append leaves. `damaged`: a complete record is not one (a flipped bit, an overwrite),
 * which no crash of ours can cause.
 */
export interface LogProblem {
  kind: 'torn' | 'damaged';
  reason: string;
}

/** What a log holds: its good records up to the first problem, if there is one. */
export interface LogContents {
  changes: ChainChange[];
  /** Where the last good record ends: the byte offset of the problem, or the file's length. */
  end: number;
  problem?: LogProblem;
}

/**
 * One line of the log: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. toJson writes ASCII only, so
 * no newline and no multi-byte character sits inside the JSON.
 */
export function encodeRecord(change: ChainChange): string {
  const json = toJson(change);
  return `${checksum(json)} ${json}\n`;
}

/** The good records of a log, oldest first, and what stopped the reading before the end if something did. */
export function readRecords(bytes: Buffer): LogContents {
  const changes: ChainChange[] = [];
  let end = 0;
  while (end < bytes.length) {
    const newline = bytes.indexOf(0x0a, end);
    if (newline === -1) return { changes, end, problem: unendedLine(bytes.subarray(end), end) };
    const change = decodeRecord(bytes.subarray(end, newline));
    if (!change.ok) return { changes, end, problem: { kind: 'damaged', reason: `${change.reason} in the record at byte ${end}` } };
    changes.push(change.value);
    end = newline + 1;
  }
  return { changes, end };
}

/**
 * A last line with no newline is torn, unless it is a whole record followed by one byte that
 * should have been the newline: a write stops short, it does not put a wrong byte at the end.
 */
function unendedLine(line: Buffer, at: number): LogProblem {
  if (line.length > 1 && decodeRecord(line.subarray(0, -1)).ok) {
    return { kind: 'damaged', reason: `a damaged end of line after the record at byte ${at}` };
  }
  return { kind: 'torn', reason: `torn write: the record at byte ${at} has no end of line` };
}

function decodeRecord(line: Buffer): Verdict<ChainChange> {
  const json = line.subarray(9);
  if (line[8] !== 0x20 || line.subarray(0, 8).toString('latin1') !== checksum(json)) return { ok: false, reason: 'checksum mismatch' };
  const parsed = parseJson(json.toString('utf8'));
  if (!parsed.ok) return { ok: false, reason: `unparseable JSON (${parsed.reason})` };
  if (!isChange(parsed.value)) return { ok: false, reason: 'not a chain change' };
  return { ok: true, value: parsed.value };
}

function checksum(json: string | Buffer): string {
  return crc32(json).toString(16).padStart(8, '0');
}

function isChange(value: JsonValue): value is ChainChange {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'transaction':
      return isObject(value.transaction);
    case 'block':
      return isObject(value.block);
    case 'chain':
      return (
        typeof value.from === 'number' &&
        Number.isSafeInteger(value.from) &&
        value.from >= 1 &&
        Array.isArray(value.blocks) &&
        value.blocks.every(isObject)
      );
    case 'tamper':
      return isPosition(value.at) && Array.isArray(value.blocks) && value.blocks.length > 0 && value.blocks.every(isObject);
    case 'restore':
      return (
        Array.isArray(value.chain) &&
        value.chain.length > 0 &&
        value.chain.every(isObject) &&
        Array.isArray(value.pending) &&
        value.pending.every(isObject)
      );
    case 'unpool':
      return Array.isArray(value.transactions) && value.transactions.length > 0 && value.transactions.every(isObject);
    default:
      return false;
  }
}

/** A block's position: a whole number from 1. */
function isPosition(value: JsonValue | undefined): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}
