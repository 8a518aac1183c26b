// The explorer's page, served at GET /. Kept as a string in a .ts module so that it ships in
// dist/ with the compiled code: the TypeScript build copies no other files.

export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainlab explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/explorer/explorer.css">
<script type="module" src="/explorer/explorer.js"></script>
</head>
<body>
<header class="top">
  <h1>chainlab <span>explorer</span></h1>
  <dl class="facts">
    <div><dt>Node</dt><dd id="node-id">&hellip;</dd></div>
    <div><dt>Blocks</dt><dd id="chain-length">&hellip;</dd></div>
    <div><dt>Pending</dt><dd id="pending-count">&hellip;</dd></div>
    <div><dt>Peers</dt><dd id="peer-count">&hellip;</dd></div>
    <div><dt>Gossip</dt><dd id="node-gossip">&hellip;</dd></div>
    <div><dt>Proof rule</dt><dd id="node-rule">&hellip;</dd></div>
  </dl>
  <p id="connection" class="connection" data-state="connecting">connecting&hellip;</p>
</header>

<main>
  <section class="panel" id="network-panel">
    <h2>The network, side by side</h2>
    <p class="hint">One column per node, newest block on top. Where the nodes hold different blocks the row is
      highlighted. Nodes that gossip pass new blocks on and catch up by themselves; <em>Resolve conflicts</em> makes a
      node adopt the longest valid chain at once, and the rows agree again.</p>
    <p id="network-summary" class="summary">Asking the peers&hellip;</p>
    <div class="network-scroll"><table id="network" class="network"></table></div>
    <ul class="legend">
      <li class="agree">every node holds this block</li>
      <li class="behind">some nodes do not have it (yet)</li>
      <li class="fork">the nodes hold different blocks here: a fork</li>
    </ul>
  </section>

  <div class="columns">
    <section class="panel" id="chain-panel">
      <h2>This node&rsquo;s chain</h2>
      <p id="replaced-banner" class="banner" hidden></p>
      <p id="chain-note" class="hint" hidden></p>
      <ol id="chain" class="chain"></ol>
    </section>

    <aside class="side">
      <section class="panel">
        <h2>Send a transaction</h2>
        <form id="tx-form" novalidate>
          <label>Sender <input name="sender" autocomplete="off" spellcheck="false" placeholder="alice"></label>
          <label>Recipient <input name="recipient" autocomplete="off" spellcheck="false" placeholder="bob"></label>
          <label>Amount <input name="amount" autocomplete="off" inputmode="decimal" placeholder="5"></label>
          <button type="submit">Send</button>
        </form>
        <div class="buttons">
          <button id="mine" type="button">Mine a block</button>
          <button id="resolve" type="button" class="secondary">Resolve conflicts</button>
        </div>
        <p id="action-result" class="result" role="status"></p>
      </section>

      <section class="panel">
        <h2>Pending transactions</h2>
        <p class="hint">They go into the next block this node mines.</p>
        <ul id="pending" class="tx-list"></ul>
      </section>

      <section class="panel">
        <h2>Peers</h2>
        <table class="peers">
          <thead><tr><th>Peer</th><th>Reachable</th><th>Length</th><th>Last answer</th></tr></thead>
          <tbody id="peers"></tbody>
        </table>
      </section>

      <section class="panel">
        <h2>Activity</h2>
        <ol id="activity" class="activity"></ol>
      </section>
    </aside>
  </div>
</main>
</body>
</html>
`;
