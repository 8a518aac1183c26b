// @ts-check
// chainlab explorer: this node live over server-sent events (GET /events), and every node's chain
// side by side (GET /network). Plain DOM, no framework; the page's entry module.
import { wireActions } from './actions.js';
import { wireChainNav } from './chain-window.js';
import { connect } from './events.js';
import { wireLab } from './lab.js';
import { refreshNetwork, scheduleNetwork } from './network.js';
import { wireWallet } from './wallet.js';

const NETWORK_EVERY_MS = 5000;

wireActions();
wireChainNav();
wireLab(scheduleNetwork);
wireWallet();
connect();
refreshNetwork();
setInterval(() => {
  if (!document.hidden) refreshNetwork();
}, NETWORK_EVERY_MS);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refreshNetwork();
});
