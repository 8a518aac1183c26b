import type { ChainStore } from '../../src/store/chain-store.ts';

/** A store on a disk that fails every write. */
export const brokenDisk = (): ChainStore => ({
  load: async () => [],
  record: async () => {
    throw new Error('EIO: i/o error, write');
  },
  rewrite: async () => {},
  close: async () => {},
});
