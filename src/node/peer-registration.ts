import type { Logger } from '../log/log.ts';
import type { Admission, PeerSet, PeerSource } from '../peers/peer-set.ts';

/** What registering peers did: all were registered (or known), or none, with the refusal (see PeerSet.admit). */
export type Registration =
  | {
      ok: true;
      totalNodes: readonly string[];
      /** Addresses not registered because they name this node itself. */
      ignored: string[];
    }
  | Extract<Admission, { ok: false }>;

/**
 * Admits `addresses` to `peers` at `now` (see PeerSet.admit), logging each peer that made room for
 * a new one; `changed` is called when the peers registered changed, so the node can say so.
 */
export function registerPeers(
  { peers, log }: { peers: PeerSet; log: Logger },
  addresses: readonly string[],
  source: PeerSource,
  now: number,
  changed: () => void,
): Registration {
  const admission = peers.admit(addresses, source, now);
  if (!admission.ok) return admission;
  for (const { peer, silentSeconds } of admission.replaced) {
    const silent = Math.round(silentSeconds);
    log.info({ peer, silent_s: silent }, `peer ${peer}, without a valid answer for ${silent} s, made room for a new one`);
  }
  if (admission.added.length > 0 || admission.replaced.length > 0) changed();
  return { ok: true, totalNodes: peers.list(), ignored: admission.self };
}
