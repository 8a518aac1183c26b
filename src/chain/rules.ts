import type { PowRule } from './proof-of-work.ts';

/**
 * What makes a chain valid on this network, as one value: every node of a network must agree on
 * all of it. Every check of a proof or a chain takes it whole and has no default for it, so a
 * caller cannot forget the rule and check under another one. The configuration (DIFFICULTY,
 * POW_RULE, MAX_BLOCK_BYTES) is where it comes from.
 */
export interface ChainRules {
  /** Leading hex zeros the hash of a proof's guess needs. */
  readonly difficulty: number;
  /** What a proof covers: see PowRule. */
  readonly powRule: PowRule;
  /**
   * The largest block, as the length of its canonical JSON (the text its hash is taken of, ASCII
   * only). The reference has no limit; without one, a peer's block could be too large to write.
   */
  readonly maxBlockBytes: number;
}
