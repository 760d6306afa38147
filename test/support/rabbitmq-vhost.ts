/**
 * A RabbitMQ virtual host of a test's own, through `rabbitmqctl` on the broker's machine: its
 * queues and connections are apart from every other test's, so the test can close "its" broker
 * connections without touching anyone else's, and deletes everything at once at the end.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { amqpUrl } from './amqp';

const run = promisify(execFile);

async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
  return stdout;
}

export interface Vhost {
  name: string;
  /** AMQP_URL for processes that should live in this vhost. */
  url: string;
  /** Closes every client connection in this vhost (as an operator would); resolves with how many. */
  closeConnections(reason: string): Promise<number>;
  delete(): Promise<void>;
}

export async function createVhost(prefix = 'actionbridge-test'): Promise<Vhost> {
  const name = `${prefix}-${randomBytes(5).toString('hex')}`;
  const base = new URL(amqpUrl());
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, decodeURIComponent(base.username) || 'guest', '.*', '.*', '.*');
  base.pathname = `/${encodeURIComponent(name)}`;
  return {
    name,
    url: base.toString(),
    async closeConnections(reason) {
      const listed = await rabbitmqctl('list_connections', '--no-table-headers', 'pid', 'vhost');
      const pids = listed
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([pid, vhost]) => pid && vhost === name)
        .map(([pid]) => pid!);
      // One by one: a connection that closed meanwhile only fails its own close.
      const closed = await Promise.all(pids.map((pid) => rabbitmqctl('close_connection', pid, reason).then(() => 1, () => 0)));
      return closed.reduce<number>((a, b) => a + b, 0);
    },
    async delete() {
      await rabbitmqctl('delete_vhost', name);
    },
  };
}
