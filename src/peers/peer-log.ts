import type { Logger } from '../log/log.ts';
import type { Exchange, PeerNews } from './peer-set.ts';

/**
 * Logs an exchange with a peer at the level of what it means to an operator: the peer coming up or
 * back at info, going down (or never coming up, past the grace period) at warn once, a bad answer
 * at warn when it is a new one; and what is no news at debug: a peer still down, a peer not up yet
 * while the network starts, the same bad answer again. `previousError` is the peer's last error
 * before this exchange.
 */
export function logExchange(
  log: Logger,
  peer: string,
  exchange: Exchange,
  news: PeerNews | undefined,
  previousError: string | undefined,
): void {
  const { error: reason, length } = exchange;
  if (news?.kind === 'reached') log.info({ peer, length }, `peer ${peer} is up${length === undefined ? '' : ` (${blocks(length)})`}`);
  if (news?.kind === 'back') log.info({ peer, down_s: news.downSeconds }, `peer ${peer} is up again after ${seconds(news.downSeconds)}`);
  if (reason === undefined) return;
  if (news?.kind === 'lost') return log.warn({ peer, reason }, `peer ${peer} is down: ${reason}`);
  if (news?.kind === 'missing') {
    return log.warn(
      { peer, reason, down_s: news.downSeconds },
      `peer ${peer} is still down ${seconds(news.downSeconds)} after it was first asked: ${reason}`,
    );
  }
  const level = exchange.answered && reason !== previousError ? 'warn' : 'debug';
  log[level]({ peer, reason }, `peer ${peer} skipped: ${reason}`);
}

function blocks(length: number): string {
  return length === 1 ? '1 block' : `${length} blocks`;
}

function seconds(value: number): string {
  return `${Math.round(value)} s`;
}
