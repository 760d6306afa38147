/**
 * How a cluster primary (cluster.ts) asks a server process (serve.ts) to drain and exit. Its own
 * file so that the two sides share it without importing each other.
 *
 * A message and not a signal: SIGINT from a terminal, or SIGTERM from systemd, reaches every
 * process of the group already, and a second signal would cut a process's drain short.
 */
import cluster from 'node:cluster';

export const STOP_MESSAGE = 'actionbridge:stop';

/** In a server process under the primary: calls `stop` when the primary asks it to stop. */
export function onStopRequest(stop: () => void): void {
  if (!cluster.isWorker) return;
  process.on('message', (message) => {
    if (message === STOP_MESSAGE) stop();
  });
}
