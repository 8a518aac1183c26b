// The docs that have a source of truth are generated from it (tools/docs/generate.ts), and the
// committed copies must be what the generator makes today; the README's route table and every
// link between the README and docs/ are held to what they point at.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { VARIABLES } from '../src/config.ts';
import { generated, generateDocs } from '../tools/docs/generate.ts';
import { call, startTestNode } from './support/nodes.ts';

const ROOT = join(__dirname, '..');
const DOCS = join(ROOT, 'docs');

const read = (file: string): string => readFileSync(file, 'utf8');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('the generated docs', () => {
  test('are what npm run docs makes of their sources today', async () => {
    expect(await generateDocs({ check: true })).toEqual([]);
  });

  test('a stale or missing copy is found by the check and left alone, so the check above can fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-'));
    try {
      cpSync(join(DOCS, 'api.md'), join(dir, 'api.md'));
      writeFileSync(join(dir, 'configuration.md'), read(join(DOCS, 'configuration.md')).replace('`PORT`', '`PORTS`'));
      const lessonPages = Object.keys(generated()).filter((name) => name.startsWith('lessons/'));
      expect(await generateDocs({ dir, check: true })).toEqual([
        join(dir, 'configuration.md'),
        join(dir, 'metrics.md'),
        ...lessonPages.map((name) => join(dir, name)),
      ]);
      expect(existsSync(join(dir, 'metrics.md'))).toBe(false);

      await generateDocs({ dir, check: false });
      for (const name of Object.keys(generated())) expect(read(join(dir, name))).toBe(read(join(DOCS, name)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('docs/configuration.md has a row for every variable, with its default', () => {
    const rows = tableRows(read(join(DOCS, 'configuration.md'))).map((cells) => cells.slice(0, 2));
    const variables = Object.values(VARIABLES).map(({ name, default: fallback }) => [
      `\`${name}\``,
      typeof fallback === 'string' ? `\`${fallback}\`` : fallback.shown,
    ]);
    expect(rows).toEqual([['Variable', 'Default'], ...variables]);
  });
});

describe('against a running node', () => {
  let node: Awaited<ReturnType<typeof startTestNode>>;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.close());

  test("docs/metrics.md lists exactly the chainlab metrics a node's GET /metrics serves", async () => {
    const { text } = await call(`${node.url}/metrics`);
    const served = new Set([...text.matchAll(/^# TYPE (chainlab_\w+) /gm)].map((match) => match[1]));
    const [, ...rows] = tableRows(read(join(DOCS, 'metrics.md')));
    const documented = new Set(rows.map(([metric = '']) => metric.replaceAll('`', '')));
    expect(documented).toEqual(served);
    expect(served.size).toBeGreaterThan(0);
  });

  test("the README's API table names every route of the OpenAPI document, and nothing else", async () => {
    const { body } = await call(`${node.url}/openapi.json`);
    const routes = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const readme = read(join(ROOT, 'README.md'));
    const api = readme.indexOf('\n## API\n');
    const listed = tableRows(readme.slice(api, readme.indexOf('\n## ', api + 1))).flatMap(([route = '']) =>
      [...route.matchAll(/`((?:GET|POST|PUT|PATCH|DELETE) \/[^`?]*)/g)].map((match) => match[1] ?? ''),
    );
    // `GET /explorer/*` stands for every GET under /explorer/: the page's files are many, and alike.
    const covers = (entry: string, route: string) => (entry.endsWith('*') ? route.startsWith(entry.slice(0, -1)) : route === entry);
    expect(routes.filter((route) => !listed.some((entry) => covers(entry, route)))).toEqual([]);
    expect(listed.filter((entry) => !routes.some((route) => covers(entry, route)))).toEqual([]);
    expect(listed.length).toBeGreaterThan(10);
  });
});

describe('links between the README and docs/', () => {
  const pages = [join(ROOT, 'README.md'), ...markdownIn(DOCS), ...markdownIn(join(DOCS, 'lessons'))];

  test('every relative link leads to a file, and every #anchor to a heading in it', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = read(page).replace(/```[\s\S]*?```/g, '');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? page : join(dirname(page), path);
        const ok = existsSync(file) && (anchor === undefined || anchorsOf(read(file)).has(anchor));
        if (!ok) broken.push(`${relative(ROOT, page)}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('the README links to every page of docs/', () => {
    const readme = read(join(ROOT, 'README.md'));
    for (const page of markdownIn(DOCS)) expect(readme).toContain(`](docs/${relative(DOCS, page)})`);
  });
});

/** The Markdown files directly in `dir` (docs/lessons/ has its own index, which links its pages). */
function markdownIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(dir, name));
}

/** The cells of every Markdown table row in `markdown`, trimmed; the header rows included, the rules left out. */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1] ?? '');
  return new Set(
    headings.map((heading) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}
