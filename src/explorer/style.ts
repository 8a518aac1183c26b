// The explorer's style sheet, served at GET /explorer/explorer.css. Kept as a string in a .ts
// module so that it ships in dist/ with the compiled code.

export const EXPLORER_CSS = `
:root {
  --bg: #f3f4f6;
  --panel: #ffffff;
  --ink: #111827;
  --muted: #6b7280;
  --line: #e5e7eb;
  --ok: #047857;
  --warn: #b45309;
  --bad: #b91c1c;
  --fork: #fef3c7;
  --behind: #eef2ff;
  --accent: #2563eb;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 15px;
  color: var(--ink);
  background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
h1, h2 { margin: 0; font-weight: 600; }
h2 { font-size: 1.05rem; margin-bottom: 0.5rem; }
code, .hash { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.85rem; }
.hint { color: var(--muted); font-size: 0.85rem; margin: 0 0 0.6rem; }
.empty { color: var(--muted); font-style: italic; }

.top {
  display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem;
  padding: 0.9rem 1.5rem; background: #111827; color: #f9fafb;
}
.top h1 { font-size: 1.3rem; letter-spacing: 0.01em; }
.top h1 span { color: #93c5fd; font-weight: 400; }
.facts { display: flex; gap: 1.5rem; margin: 0; }
.facts div { display: flex; flex-direction: column; }
.facts dt { font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.06em; color: #9ca3af; }
.facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.facts dd[data-gossip="off"] { color: #fcd34d; }
.connection { margin: 0 0 0 auto; font-size: 0.85rem; padding: 0.2rem 0.7rem; border-radius: 999px; background: #374151; }
.connection::before { content: "\\25CF  "; }
.connection[data-state="live"] { background: #065f46; }
.connection[data-state="down"] { background: #92400e; }

main { max-width: 1400px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; margin-bottom: 1rem; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 1rem; align-items: start; }
@media (max-width: 960px) { .columns { grid-template-columns: minmax(0, 1fr); } }

/* Hashes: shortened, full value on hover, tinted by value so equal hashes look alike. */
.hash {
  display: inline-block; padding: 0.05rem 0.45rem; border-radius: 5px; cursor: help;
  background: hsl(var(--hue, 220) 70% 93%); border: 1px solid hsl(var(--hue, 220) 45% 70%); color: hsl(var(--hue, 220) 60% 22%);
}
.hash.plain { background: #f3f4f6; border-color: #d1d5db; color: var(--ink); }

/* The network, side by side */
.summary { margin: 0 0 0.7rem; }
.summary .ok { color: var(--ok); }
.summary .warn { color: var(--warn); }
.network-scroll { overflow-x: auto; max-height: 30rem; overflow-y: auto; }
.network { border-collapse: separate; border-spacing: 0; min-width: 100%; }
.network th, .network td { padding: 0.3rem 0.6rem; text-align: left; border-bottom: 1px solid var(--line); white-space: nowrap; }
.network thead th { position: sticky; top: 0; background: var(--panel); z-index: 1; vertical-align: bottom; }
.network .node-col { border-top: 5px solid var(--node); min-width: 11rem; }
.network .node-col span { display: block; }
.network .node-name { font-weight: 600; color: var(--node); }
.network .node-address { font-size: 0.75rem; color: var(--muted); font-weight: 400; }
.network .node-col .status { font-size: 0.8rem; font-weight: 400; }
.network .status.no, .network .status.bad { color: var(--bad); max-width: 14rem; overflow: hidden; text-overflow: ellipsis; }
.network .row-index { width: 4.5rem; color: var(--muted); font-weight: 500; font-variant-numeric: tabular-nums; }
.network td { border-left: 3px solid var(--node, transparent); }
.network tr.fork { background: var(--fork); }
.network tr.fork .row-index { color: var(--warn); font-weight: 700; }
.network tr.behind { background: var(--behind); }
.network .mark { color: var(--warn); }
.network .node-col .tag.replaced { width: fit-content; }
.network td.missing { font-style: italic; }
.network .hash.differs { outline: 2px solid var(--warn); outline-offset: 1px; font-weight: 700; }
.network td.missing, .network td.unknown { color: #9ca3af; }
.legend { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; margin: 0.6rem 0 0; padding: 0; list-style: none; font-size: 0.8rem; color: var(--muted); }
.legend li::before { content: ""; display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.35rem; vertical-align: -0.1rem; border: 1px solid var(--line); border-radius: 3px; }
.legend .agree::before { background: var(--panel); }
.legend .behind::before { background: var(--behind); }
.legend .fork::before { background: var(--fork); }

/* This node's chain */
.banner { background: #eff6ff; border: 1px solid #bfdbfe; color: #1e3a8a; padding: 0.6rem 0.8rem; border-radius: 8px; margin: 0 0 0.8rem; }
.chain { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.7rem; }
.block { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 8px; padding: 0.65rem 0.8rem; }
.block.fresh { animation: fresh 2.5s ease-out; }
@keyframes fresh { from { background: #dbeafe; } to { background: transparent; } }
.block-head { display: flex; align-items: center; gap: 0.6rem; flex-wrap: wrap; }
.block .index { font-size: 1.15rem; font-weight: 700; min-width: 2.5rem; font-variant-numeric: tabular-nums; }
.tag { font-size: 0.72rem; padding: 0.05rem 0.45rem; border-radius: 999px; background: #e0e7ff; color: #3730a3; text-transform: uppercase; letter-spacing: 0.04em; }
.tag.genesis { background: #f3f4f6; color: var(--muted); }
.tag.replaced { display: inline-block; background: #dbeafe; color: #1e40af; margin-top: 0.2rem; text-transform: none; }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.8rem; margin: 0.5rem 0; font-size: 0.85rem; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; font-variant-numeric: tabular-nums; }

.tx-list { list-style: none; margin: 0; padding: 0; }
.tx { display: grid; grid-template-columns: minmax(0, 38%) auto minmax(0, 1fr) auto; gap: 0.5rem; align-items: center;
  padding: 0.25rem 0.5rem; border-radius: 6px; font-size: 0.85rem; }
.tx:nth-child(odd) { background: #f9fafb; }
.tx .party { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, Menlo, Consolas, monospace; }
.tx .arrow { color: var(--muted); }
.tx .amount { font-weight: 600; font-variant-numeric: tabular-nums; text-align: right; }
.tx.reward .party:first-child { font-family: inherit; color: var(--ok); font-style: italic; }

/* Actions */
form { display: grid; gap: 0.5rem; }
label { display: grid; gap: 0.2rem; font-size: 0.8rem; color: var(--muted); }
input { font: inherit; color: var(--ink); padding: 0.4rem 0.55rem; border: 1px solid #d1d5db; border-radius: 6px; }
input:focus { outline: 2px solid #93c5fd; border-color: var(--accent); }
button { font: inherit; font-weight: 600; padding: 0.45rem 0.9rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: white; cursor: pointer; }
button.secondary { background: white; color: var(--accent); }
button:disabled { opacity: 0.6; cursor: progress; }
.buttons { display: flex; gap: 0.5rem; margin-top: 0.8rem; flex-wrap: wrap; }
.result { margin: 0.7rem 0 0; font-size: 0.85rem; min-height: 1.2em; overflow-wrap: anywhere; }
.result.ok { color: var(--ok); }
.result.error { color: var(--bad); }

/* Peers and activity */
/* Fixed columns: a long reason or name is cut short (full text on hover) instead of widening the panel. */
.peers { width: 100%; border-collapse: collapse; font-size: 0.85rem; table-layout: fixed; }
.peers th:nth-child(1) { width: 32%; }
.peers th:nth-child(2) { width: 30%; }
.peers th:nth-child(3) { width: 14%; }
.peers th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); padding: 0.2rem 0.3rem; }
.peers td { padding: 0.3rem; border-bottom: 1px solid var(--line); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.peers td span { overflow: hidden; text-overflow: ellipsis; }
.dot::before { content: "\\25CF  "; }
.dot.yes { color: var(--ok); }
.dot.no { color: var(--bad); }
.dot.unknown { color: var(--muted); }
.dot.bad { color: var(--warn); }
.peers .node-name { display: block; font-weight: 600; }
.peers .node-address { display: block; font-size: 0.75rem; color: var(--muted); }
.activity { list-style: none; margin: 0; padding: 0; font-size: 0.83rem; max-height: 16rem; overflow-y: auto; }
.activity li { padding: 0.25rem 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.activity time { color: var(--muted); font-variant-numeric: tabular-nums; }
.activity .mined { color: #1e40af; }
.activity .appended { color: #0f766e; }
.activity .replaced { color: #6d28d9; }
.activity .failure { color: var(--bad); }
`;
