// Every lesson in lessons/ runs against the project's own docker-compose.yml, started with the
// variables the lesson's network declares (TX_RULE=signed docker compose up, ...), through the
// chainlab command inside node1's container: `docker compose exec node1 chainlab lesson run NAME`.
// A lesson that no longer matches the code fails the build.
import { readLessons } from '../src/lessons/files.ts';
import { composeEnv } from '../src/lessons/settings.ts';
import { ComposeProject, composeTestEnv } from './support/docker-cli.ts';

const SETUP_TIMEOUT_MS = 600_000;
const LESSON_TIMEOUT_MS = 180_000;

/** Lessons by the variables their network needs beyond the Compose defaults: one network per group. */
const groups = new Map<string, { env: Record<string, string>; names: string[] }>();
for (const { name, lesson } of readLessons()) {
  const env = composeEnv(lesson.network);
  const key =
    Object.entries(env)
      .map(([variable, value]) => `${variable}=${value}`)
      .join(' ') || 'the defaults';
  const group = groups.get(key) ?? { env, names: [] };
  group.names.push(name);
  groups.set(key, group);
}

describe.each([...groups.entries()])('docker compose up with %s', (key, { env, names }) => {
  // The Compose defaults, whatever the shell that runs the tests exported; then what the lessons need.
  const project = new ComposeProject(
    `chainlab-lessons-${process.pid}-${[...groups.keys()].indexOf(key)}`,
    'docker-compose.yml',
    composeTestEnv(env),
  );

  beforeAll(() => project.up(), SETUP_TIMEOUT_MS);
  afterAll(() => project.down(), SETUP_TIMEOUT_MS);

  it.each(names)(
    'runs the lesson %s to the end, every expectation met',
    async (name) => {
      // No --nodes: the Compose file's CHAINLAB_NODES names the three services, node N the Nth.
      const output = await project.exec('node1', 'chainlab', 'lesson', 'run', name);
      expect(output).toMatch(new RegExp(`lesson ${name}: all \\d+ expectations passed\\n$`));
      expect(output).not.toContain('✗');
    },
    LESSON_TIMEOUT_MS,
  );
});
