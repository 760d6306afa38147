/**
 * The composition root wires bug reports into job delivery: with SENTRY_DSN, a job that fails on a
 * bug is reported (redacted, tagged with the job), one that fails on a vendor's fault is not, and
 * closing the services flushes what is still being sent. On real PostgreSQL, against a local fake
 * Sentry ingest server.
 */
import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../../src/connectors/kit/connector-error';
import { createServices, type BuiltServices } from '../../src/main/services';
import { readSettings } from '../../src/main/settings';
import { silentLogger } from '../../src/observability/logger';
import { startFakeSentry, type FakeSentry } from '../support/fakes/sentry';
import { createPgSchema, databaseUrl, type PgSchema } from '../support/stores';

const EMAIL = 'grace.hopper@example.com';

describe('job failures reported from the composition root', () => {
  let sentry: FakeSentry;
  let schema: PgSchema;
  let built: BuiltServices;

  beforeAll(async () => {
    sentry = await startFakeSentry();
    schema = await createPgSchema();
    const env = {
      CRM_PROVIDER: 'local',
      TICKETING_PROVIDER: 'local',
      KB_PROVIDER: 'local',
      DATABASE_URL: `${databaseUrl()}?options=${encodeURIComponent(`-c search_path=${schema.name}`)}`,
      SENTRY_DSN: sentry.dsn,
    };
    built = await createServices(readSettings(env), silentLogger());
  });

  afterAll(async () => {
    await sentry.close();
    await schema.drop();
  });

  it('reports a job that failed on a bug, not one whose vendor was down', async () => {
    const { runner, outbox } = built.delivery;
    runner.handlers.register('test.bug', (payload) => {
      throw new TypeError(`no address for ${JSON.stringify(payload)}`);
    });
    runner.handlers.register('test.vendor', () => {
      throw new ConnectorError('upstream_unavailable', `Jira could not be reached for ${EMAIL}.`, { connector: 'jira', retry: 'safe' });
    });
    const bug = await outbox.enqueue(built.store, { type: 'test.bug', payload: { email: EMAIL }, idempotencyKey: randomUUID() });
    const vendor = await outbox.enqueue(built.store, { type: 'test.vendor', payload: { email: EMAIL }, idempotencyKey: randomUUID() });
    expect((await runner.runNow(bug.job.reference)).status).toBe('retrying');
    expect((await runner.runNow(vendor.job.reference)).status).toBe('retrying');
    await built.close();

    const events = sentry.envelopes.flatMap((e) => e.events) as { exception: { values: { type: string; value: string }[] }; tags: Record<string, string> }[];
    expect(events).toHaveLength(1);
    expect(events[0]!.exception.values[0]).toMatchObject({ type: 'TypeError', value: 'no address for {"email":"[email]"}' });
    expect(events[0]!.tags).toEqual({ job_reference: bug.job.reference, job_type: 'test.bug', job_attempts: '1' });
    expect(sentry.envelopes.map((e) => e.raw).join('\n')).not.toContain(EMAIL);
  });
});
