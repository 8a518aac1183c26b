// The explorer's page run in-process against a real node, in a vm with just enough DOM for it: its
// own modules, as the node serves them, decide what it shows, and the tests read that text back. It
// belongs with the shared test kit (test/support) once that is free to change; Chromium runs the page
// for real in e2e/explorer.test.ts.
import { compileFunction, createContext, SourceTextModule, type Context, type Module } from 'node:vm';
import { pageDir, readPage } from '../../src/explorer/page-files.ts';
import { eventually } from './eventually.ts';

type Child = FakeElement | string;

/** An element as the page uses one: text, classes, data, attributes and children. */
export class FakeElement {
  readonly tagName: string;
  children: Child[] = [];
  className = '';
  hidden = false;
  disabled = false;
  dataset: Record<string, string> = {};
  attributes = new Map<string, string>();
  style = { setProperty: (name: string, value: string) => this.attributes.set(`style:${name}`, value) };
  parent: FakeElement | undefined;

  constructor(tagName: string) {
    this.tagName = tagName.toUpperCase();
  }

  get textContent(): string {
    return this.children.map((child) => (typeof child === 'string' ? child : child.textContent)).join('');
  }

  set textContent(value: string) {
    this.replaceChildren(String(value));
  }

  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  append(...children: Child[]): void {
    for (const child of children) this.#adopt(child);
    this.children.push(...children);
  }

  prepend(...children: Child[]): void {
    for (const child of children) this.#adopt(child);
    this.children.unshift(...children);
  }

  replaceChildren(...children: Child[]): void {
    this.children = [];
    this.append(...children);
  }

  remove(): void {
    if (this.parent !== undefined) this.parent.children = this.parent.children.filter((child) => child !== this);
  }

  get lastElementChild(): FakeElement | null {
    return this.children.filter((child): child is FakeElement => typeof child !== 'string').at(-1) ?? null;
  }

  addEventListener(): void {}

  /** Elements below this one, depth first, that have every class in `classes` (`'th.node-col'`: a tag and classes). */
  findAll(selector: string): FakeElement[] {
    const [tag, ...classes] = selector.split('.');
    const matches = (element: FakeElement) =>
      (tag === '' || element.tagName === tag!.toUpperCase()) && classes.every((name) => element.className.split(' ').includes(name));
    const below = this.children.filter((child): child is FakeElement => typeof child !== 'string');
    return below.flatMap((child) => [...(matches(child) ? [child] : []), ...child.findAll(selector)]);
  }

  #adopt(child: Child): void {
    if (typeof child !== 'string') child.parent = this;
  }
}

export interface ExplorerPage extends AsyncDisposable {
  /** The element with this id, as the page left it. */
  byId(id: string): FakeElement;
  /** Runs an expression over what the page's modules export (`state`, `refreshNetwork()`), as a console would. */
  evaluate(expression: string): unknown;
  /** Waits until `check` holds, reading the page as it is drawn. */
  waitFor(check: () => boolean, what: string): Promise<void>;
}

/**
 * Opens the explorer of the node at `url`: its modules run against a stand-in document, with the
 * real fetch and a real event stream to the node, so it draws what the node tells it.
 */
export async function openExplorerPage(url: string): Promise<ExplorerPage> {
  const elements = new Map<string, FakeElement>();
  const byId = (id: string) => elements.get(id) ?? elements.set(id, new FakeElement('div')).get(id)!;
  const timers = new Set<NodeJS.Timeout>();
  const streams = new Set<AbortController>();
  const context: Context = createContext({
    document: { getElementById: byId, createElement: (tag: string) => new FakeElement(tag), hidden: false, addEventListener() {} },
    fetch: (path: string, init?: RequestInit) => fetch(new URL(path, url), init),
    EventSource: eventSourceFor(url, streams),
    setTimeout: (run: () => void, ms: number) => {
      const timer = setTimeout(() => (timers.delete(timer), run()), ms);
      timers.add(timer);
      return timer;
    },
    clearTimeout: (timer: NodeJS.Timeout) => (clearTimeout(timer), timers.delete(timer)),
    // The page's 5-second refresh: the tests refresh by hand, or through the page's events.
    setInterval: () => 0,
    console,
  });
  const close = async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const stream of streams) stream.abort();
  };
  let namespaces: Module['namespace'][];
  try {
    namespaces = await runPage(context);
  } catch (error) {
    await close(); // its event stream would keep the test run alive
    throw error;
  }
  return {
    byId,
    // Each module's exports are in scope, as its own names are within it.
    evaluate: (expression) => compileFunction(`return (${expression});`, [], { parsingContext: context, contextExtensions: namespaces })(),
    waitFor: (check, what) => eventually(check, { what: `the page to show ${what}` }),
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Runs the page's entry module (the one index.html loads) in `context`, with the modules it imports
 * resolved as the browser resolves them, against the files the node serves. Returns the exports of
 * every module it ran.
 */
async function runPage(context: Context): Promise<Module['namespace'][]> {
  if (typeof SourceTextModule !== 'function')
    throw new Error('the page is made of ES modules: run jest with NODE_OPTIONS=--experimental-vm-modules');
  const page = readPage(pageDir());
  if (page instanceof Error) throw page;
  const files = [...page.values()];
  const html = page.get('/')!.body.toString('utf8');
  const entry = /<script type="module" src="([^"]+)"><\/script>/.exec(html)?.[1];
  if (entry === undefined) throw new Error('index.html loads no module script');
  const modules = new Map(
    files
      .filter((file) => file.path.endsWith('.js'))
      .map((file) => [file.path, new SourceTextModule(file.body.toString('utf8'), { context, identifier: file.path })]),
  );
  const served = (path: string, from: string) => {
    const module = modules.get(path);
    if (module === undefined) throw new Error(`${from} loads ${path}, which the node does not serve`);
    return module;
  };
  const main = served(entry, 'index.html');
  await main.link((specifier, referencing) =>
    served(new URL(specifier, `http://page${referencing.identifier}`).pathname, referencing.identifier),
  );
  await main.evaluate();
  return [...modules.values()].filter((module) => module.status === 'evaluated').map((module) => module.namespace);
}

/** An EventSource reading the node's text/event-stream with fetch, as the browser's would. */
function eventSourceFor(base: string, streams: Set<AbortController>) {
  return class {
    readonly #listeners = new Map<string, ((event: { data: string }) => void)[]>();

    constructor(path: string) {
      const controller = new AbortController();
      streams.add(controller);
      void this.#read(new URL(path, base), controller.signal);
    }

    addEventListener(name: string, listener: (event: { data: string }) => void): void {
      this.#listeners.set(name, [...(this.#listeners.get(name) ?? []), listener]);
    }

    #emit(name: string, data = ''): void {
      for (const listener of this.#listeners.get(name) ?? []) listener({ data });
    }

    async #read(url: URL, signal: AbortSignal): Promise<void> {
      try {
        const response = await fetch(url, { signal });
        this.#emit('open');
        let buffer = '';
        for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const lines = buffer.slice(0, end).split('\n');
            buffer = buffer.slice(end + 2);
            const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
            const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
            if (data.length > 0) this.#emit(event, data.join('\n'));
          }
        }
      } catch {
        if (!signal.aborted) this.#emit('error');
      }
    }
  };
}
