// The relay of network-wide commands, with a stand-in client: order, dispatch, and bounded memory.
import { silentLogger } from '../../src/log/log.ts';
import { COMMAND_TTL_MS, CommandRelay, MAX_COMMANDS, commandJson, type CommandHandlers } from '../../src/lab/relay.ts';
import type { PeerReply } from '../../src/peers/peer-client.ts';
import { standInRequester } from '../support/peer-requester.ts';

function relayWith(
  handlers: CommandHandlers,
  events: string[],
  serve: (path: string) => PeerReply = () => ({ ok: false, answered: false, reason: 'none' }),
  now?: () => number,
) {
  let next = 0;
  const client = standInRequester({
    get: async (peer, path) => (events.push(`GET ${peer}${path}`), serve(path)),
    post: async (peer, path, body) => (
      events.push(`POST ${peer}${path} ${JSON.stringify(body)}`),
      { ok: true, value: { body: {}, nodeId: undefined } }
    ),
  });
  return new CommandRelay({
    peers: () => ['b:1', 'c:1'],
    address: () => 'a:1',
    client,
    handlers,
    log: silentLogger,
    newId: () => `id${next++}`,
    now,
  });
}

/** What GET /lab/commands/:id answers on `relay`'s node (routes.ts): the command, or a 404. */
const served =
  (relay: () => CommandRelay) =>
  (path: string): PeerReply => {
    const command = relay().command(path.replace('/lab/commands/', ''));
    return command === undefined
      ? { ok: false, answered: true, reason: 'GET /lab/commands: 404' }
      : { ok: true, value: { body: commandJson(command), nodeId: 'b' } };
  };

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

describe(`a command is served for ${COMMAND_TTL_MS} ms after this node made or took it, so a relay cannot be replayed`, () => {
  test('a node that restarted takes a relayed command while its sender serves it, and refuses it after', async () => {
    let clock = 0;
    const now = () => clock;
    const sender = relayWith({ heal: () => {} }, [], undefined, now);
    await sender.originate({ type: 'heal' });
    const applied: string[] = [];
    // A node that restarted: it has seen nothing, so only the sender's answer stands between it and a replay.
    const restarted = () =>
      relayWith(
        { heal: ({ id }) => void applied.push(id) },
        [],
        served(() => sender),
        now,
      );
    clock = COMMAND_TTL_MS - 1;
    expect(await restarted().receive({ id: 'id0', from: 'b:1' })).toEqual({ ok: true, status: 'applied' });
    clock = COMMAND_TTL_MS;
    expect(sender.command('id0')).toBeUndefined();
    expect(await restarted().receive({ id: 'id0', from: 'b:1' })).toEqual({
      ok: false,
      status: 403,
      reason: expect.stringContaining('could not confirm command id0 with b:1'),
    });
    expect(applied).toEqual(['id0']);
  });

  test('a command taken from a peer is served for the TTL from when it was taken, and still deduped after', async () => {
    let clock = 1000;
    const now = () => clock;
    const serve = () => ({ ok: true, value: { body: { id: 'h1', type: 'heal' }, nodeId: 'b' } }) as const;
    let heals = 0;
    const relay = relayWith({ heal: () => void heals++ }, [], serve, now);
    expect(await relay.receive({ id: 'h1', from: 'b:1' })).toEqual({ ok: true, status: 'applied' });
    clock = 1000 + COMMAND_TTL_MS - 1;
    expect(relay.command('h1')).toEqual({ id: 'h1', type: 'heal' });
    clock = 1000 + COMMAND_TTL_MS;
    expect(relay.command('h1')).toBeUndefined();
    expect(await relay.receive({ id: 'h1', from: 'b:1' })).toEqual({ ok: true, status: 'known' });
    expect(heals).toBe(1);
  });
});

test('a relay from an address that is no registered peer is refused before "known": it learns nothing of the ids seen', async () => {
  const relay = relayWith({ heal: () => {} }, []);
  await relay.originate({ type: 'heal' });
  expect(await relay.receive({ id: 'id0', from: 'x:1' })).toEqual({
    ok: false,
    status: 403,
    reason: 'x:1 is not a registered peer of this node: a lab command is taken from peers only',
  });
  expect(await relay.receive({ id: 'id0', from: 'b:1' })).toEqual({ ok: true, status: 'known' });
});
