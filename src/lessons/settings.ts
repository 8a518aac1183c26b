import type { Lesson } from './format.ts';

/**
 * The settings docker-compose.yml passes to every node, with its defaults (`${TX_RULE:-open}`): a
 * lesson that needs a setting at its default needs no variable before `docker compose up`.
 */
export const COMPOSE_SETTINGS = [
  { key: 'tx_rule', variable: 'TX_RULE', fallback: 'open', what: 'transactions' },
  { key: 'pow_rule', variable: 'POW_RULE', fallback: 'notebook', what: 'proof of work' },
  { key: 'gossip', variable: 'GOSSIP', fallback: 'on', what: 'gossip' },
] as const;

/** The environment a lesson's network needs beyond the Compose defaults, as in {TX_RULE: 'signed'}. */
export function composeEnv(network: Lesson['network']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { key, variable, fallback } of COMPOSE_SETTINGS) {
    const wanted = network[key];
    if (wanted !== undefined && wanted !== fallback) env[variable] = String(wanted);
  }
  return env;
}

/** How to start the network a lesson needs: `docker compose up`, with the variables it needs before it. */
export function composeCommand(network: Lesson['network']): string {
  const env = Object.entries(composeEnv(network)).map(([name, value]) => `${name}=${value}`);
  return [...env, 'docker compose up'].join(' ');
}

/** What a lesson needs, in a line: `3 nodes; TX_RULE=signed; POW_RULE any; GOSSIP any`. */
export function needsText(network: Lesson['network']): string {
  const settings = COMPOSE_SETTINGS.map(({ key, variable }) =>
    network[key] === undefined ? `${variable} any` : `${variable}=${network[key]}`,
  );
  return [`${network.nodes} nodes`, ...settings].join('; ');
}
