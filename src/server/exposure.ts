/**
 * A server reachable from other machines with no ACTION_SERVER_TOKEN lets anyone run actions
 * (and so reach the company systems behind them). Start-up says so, loudly, once.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** The warning to log, or null when the exposure is fine. */
export function exposureWarning(host: string, tokens: readonly string[] | undefined): string | null {
  if ((tokens && tokens.length > 0) || isLoopbackHost(host)) return null;
  return (
    `SECURITY WARNING: listening on ${host} without ACTION_SERVER_TOKEN. Anyone who can reach this port can run every action. ` +
    'Set ACTION_SERVER_TOKEN (and the same token in Rasa\'s endpoints.yml), or bind HOST=127.0.0.1.'
  );
}
