import type { PeerReply, PeerRequester } from '../../src/peers/peer-client.ts';

const UNUSED: PeerReply = { ok: false, answered: false, reason: 'unused' };

/** A stand-in client whose every request fails as unanswered, but for those `overrides` answer. */
export function standInRequester(overrides: Partial<PeerRequester> = {}): PeerRequester {
  return {
    getChain: async () => UNUSED,
    getTip: async () => UNUSED,
    get: async () => UNUSED,
    post: async () => UNUSED,
    ...overrides,
  };
}
