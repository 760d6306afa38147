/** `actionbridge call` gives actions the same services as the server: the company database included. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../src/main/cli/main';
import { seedPgliteDir } from '../../support/pglite-template';

describe('actionbridge call with the order actions', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-cli-orders-'));
  // An initdb'd, unmigrated folder: `call` still migrates and seeds it (creating one from nothing is test/store/open.test.ts).
  seedPgliteDir(path.join(dataDir, 'pglite'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('looks a demo order up in the embedded database, and releases it afterwards', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s) };
    const argv = ['call', 'action_fetch_order', '--slot', 'order_id=ORD-35892', '--slot', 'order_email=alan@example.org', '--sender', 'cli-test'];
    const code = await main(argv, io, { DATA_DIR: dataDir });
    expect({ code, err: err.join('\n') }).toEqual({ code: 0, err: '' });
    const result = JSON.parse(out.join('\n')) as { responses: { text: string }[]; events: { name?: string; value?: unknown }[] };
    expect(result.responses[0]!.text).toContain('Order ORD-35892 is out for delivery today.');
    expect(result.events).toContainEqual(expect.objectContaining({ name: 'order_verified', value: true }));
    // Closed again: no lock left on the data folder.
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
  });
});
