import { readConfig, VARIABLES, type Variable } from '../../src/config.ts';

/** docs/configuration.md: every environment variable the node reads, from src/config.ts's VARIABLES. */
export function configurationMarkdown(): string {
  return [
    '<!-- Generated from src/config.ts by `npm run docs`: edit the variables there, not this file. -->',
    '',
    '# Configuration',
    '',
    `A node reads its configuration from the environment once, at start. A bad value stops it with a message naming the variable, e.g. \`bad configuration: ${badValueMessage()}\`.`,
    'A variable set to nothing but blanks counts as unset.',
    '',
    '| Variable | Default | Meaning |',
    '| --- | --- | --- |',
    ...Object.values(VARIABLES).map(row),
    '',
    'How to set them under Docker Compose, and the variables of the Compose files themselves (`CHAINLAB_PORT_1` and so on), is in the README: [Set-up](../README.md#set-up-two-commands).',
    'What the node logs, at which level, is in [logs.md](logs.md).',
    '',
  ].join('\n');
}

function row({ name, default: fallback, description }: Variable<unknown>): string {
  const shown = typeof fallback === 'string' ? `\`${fallback}\`` : fallback.shown;
  return `| \`${name}\` | ${cell(shown)} | ${cell(description)} |`;
}

/** What the node says of a bad value, as readConfig words it today. */
function badValueMessage(): string {
  try {
    readConfig({ DIFFICULTY: 'six' });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("readConfig took DIFFICULTY='six': the example in docs/configuration.md needs another bad value");
}

const cell = (markdown: string): string => markdown.replaceAll('|', '\\|').replaceAll('\n', ' ');
