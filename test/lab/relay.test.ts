// The relay of network-wide commands, with a stand-in client: order, dispatch, and bounded memory.
import { silentLogger } from '../../src/log/log.ts';
import { CommandRelay, MAX_COMMANDS, type CommandHandlers } from '../../src/lab/relay.ts';
import type { PeerReply, PeerRequester } from '../../src/peers/peer-client.ts';

function relayWith(
  handlers: CommandHandlers,
  events: string[],
  serve: (path: string) => PeerReply = () => ({ ok: false, answered: false, reason: 'none' }),
) {
  let next = 0;
  const client: PeerRequester = {
    getChain: async () => ({ ok: false, answered: false, reason: 'unused' }),
    getTip: async () => ({ ok: false, answered: false, reason: 'unused' }),
    get: async (peer, path) => (events.push(`GET ${peer}${path}`), serve(path)),
    post: async (peer, path, body) => (
      events.push(`POST ${peer}${path} ${JSON.stringify(body)}`),
      { ok: true, value: { body: {}, nodeId: undefined } }
    ),
  };
  return new CommandRelay({
    peers: () => ['b:1', 'c:1'],
    address: () => 'a:1',
    client,
    handlers,
    log: silentLogger,
    newId: () => `id${next++}`,
  });
}

test('a command started here goes to every peer before this node carries it out', async () => {
  const events: string[] = [];
  const relay = relayWith({ heal: () => void events.push('healed') }, events);
  expect(await relay.originate({ type: 'heal' })).toEqual([
    { node: 'b:1', ok: true },
    { node: 'c:1', ok: true },
  ]);
  expect(events).toEqual(['POST b:1/lab/relay {"id":"id0","from":"a:1"}', 'POST c:1/lab/relay {"id":"id0","from":"a:1"}', 'healed']);
  expect(relay.command('id0')).toEqual({ id: 'id0', type: 'heal' });
});

test('a relayed reset is dispatched to the handler the node gives, and refused by a node without one', async () => {
  const events: string[] = [];
  const serve = () => ({ ok: true, value: { body: { id: 'r1', type: 'reset' }, nodeId: 'b' } }) as const;
  const resetting = relayWith({ reset: ({ id }) => void events.push(`reset ${id}`) }, events, serve);
  expect(await resetting.receive({ id: 'r1', from: 'b:1' })).toEqual({ ok: true, status: 'applied' });
  // Confirmed with the sender, passed on to the other peer, then carried out.
  expect(events).toEqual(['GET b:1/lab/commands/r1', 'POST c:1/lab/relay {"id":"r1","from":"a:1"}', 'reset r1']);
  const without = relayWith({}, [], serve);
  expect(await without.receive({ id: 'r1', from: 'b:1' })).toEqual({
    ok: false,
    status: 403,
    reason: "this node does not carry out 'reset' commands",
  });
  expect(without.command('r1')).toBeUndefined();
});

test(`at most ${MAX_COMMANDS} commands are remembered, the oldest let go first`, async () => {
  const relay = relayWith({ heal: () => {} }, []);
  for (let i = 0; i <= MAX_COMMANDS; i++) await relay.originate({ type: 'heal' });
  expect(relay.command('id0')).toBeUndefined();
  expect(relay.command('id1')).toBeDefined();
  expect(relay.command(`id${MAX_COMMANDS}`)).toBeDefined();
});
