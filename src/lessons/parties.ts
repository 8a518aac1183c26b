import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { addressOf, signTransfer } from '../cli/wallets.ts';
import { MINER_OF, type Party } from './format.ts';

/** What a lesson's run knows of its network's parties: the rule, and each node's reward address. */
export interface Network {
  txRule: 'open' | 'signed';
  /** Node N's miner_address from /health (under open, its node id). */
  miners: readonly string[];
}

/**
 * The people of one run of a lesson. Under TX_RULE=open a person is the name itself, as in the
 * notebook. Under signed each name gets a throw-away Ed25519 key the first time it is named, kept in
 * memory for this run only, so a lesson never needs (or touches) anyone's wallet files.
 */
export class Parties {
  readonly #network: Network;
  readonly #keys = new Map<string, KeyObject>();

  constructor(network: Network) {
    this.#network = network;
  }

  get txRule(): Network['txRule'] {
    return this.#network.txRule;
  }

  /** The address a transaction carries for `party`. */
  address(party: Party): string {
    const miner = MINER_OF.exec(party);
    if (miner !== null) {
      const address = this.#network.miners[Number(miner[1]) - 1];
      if (address === undefined) throw new Error(`no node ${miner[1]} in this network`);
      return address;
    }
    return this.#network.txRule === 'signed' ? addressOf(this.#key(party)) : party;
  }

  /**
   * Signs `fields` with `signer`'s key. Only people have keys here: a miner's key stays in its
   * node's DATA_DIR, so a payment from a miner can only be a forgery, signed by somebody else.
   */
  sign(signer: Party, fields: { amount: number; nonce: number; recipient: string; sender: string }): string | undefined {
    if (MINER_OF.test(signer)) return undefined;
    return signTransfer(this.#key(signer), fields);
  }

  #key(name: string): KeyObject {
    let key = this.#keys.get(name);
    if (key === undefined) {
      key = generateKeyPairSync('ed25519').privateKey;
      this.#keys.set(name, key);
    }
    return key;
  }
}
