// The on-transaction mode with a stand-in node: a block that took no pending transaction is not
// followed by another, and another, forever.
import { EventEmitter } from 'node:events';
import { silentLogger } from '../../src/log/log.ts';
import type { NodeEvents } from '../../src/node/node-events.ts';
import { MiningSchedule } from '../../src/node/mining-schedule.ts';

function standIn(takes: (pending: string[]) => string[]) {
  const events = new EventEmitter<NodeEvents>();
  const node = {
    pending: ['too large for any block'] as string[],
    events,
    mined: 0,
    async mine() {
      node.mined++;
      const taken = takes(node.pending);
      node.pending = node.pending.filter((tx) => !taken.includes(tx));
      return { transactions: [...taken, 'reward'] };
    },
  };
  return node;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

test('a pending transaction no block takes gets one block, not one every delay', async () => {
  const node = standIn(() => []);
  const schedule = new MiningSchedule({ node, cancel: () => {}, log: silentLogger, onTransactionDelayMs: 1 });
  schedule.set({ mode: 'on-transaction' });
  await settle();
  schedule.stop();
  expect(node.mined).toBe(1);
  expect(node.pending).toHaveLength(1);
});

test('a block that took pending transactions is followed by another while some are left', async () => {
  const node = standIn((pending) => pending.slice(0, 1));
  node.pending = ['a', 'b', 'c'];
  const schedule = new MiningSchedule({ node, cancel: () => {}, log: silentLogger, onTransactionDelayMs: 1 });
  schedule.set({ mode: 'on-transaction' });
  await settle();
  schedule.stop();
  expect(node.mined).toBe(3);
  expect(node.pending).toEqual([]);
});
