/** The fake Orchestrator refuses what UiPath refuses, in UiPath's words, so the adapter's tests mean something. */
import { FakeUiPath, parseFilter, UIPATH_DEFAULT_RELEASE_KEY } from '../../support/fakes/uipath';

describe('UiPath fake strictness', () => {
  let fake: FakeUiPath;
  beforeEach(async () => {
    fake = await new FakeUiPath().start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const token = (form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${fake.url}/identity_/connect/token`, { method: 'POST', headers: { 'Content-Type': contentType }, body: contentType.includes('json') ? JSON.stringify(form) : new URLSearchParams(form) });
  const creds = () => ({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, scope: 'OR.Queues OR.Jobs' });
  async function bearer(): Promise<string> {
    return ((await (await token(creds())).json()) as { access_token: string }).access_token;
  }
  const odata = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${fake.url}/${fake.org}/${fake.tenant}/orchestrator_/odata/${path}`, {
      method,
      headers: { Authorization: `Bearer ${await bearer()}`, 'X-UIPATH-OrganizationUnitId': String(fake.folderId), 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('token endpoint: form-encoded client credentials only, OAuth errors with 400', async () => {
    const ok = await token(creds());
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'OR.Queues OR.Jobs' });
    expect(await (await token(creds(), 'application/json')).json()).toEqual({ error: 'invalid_request' });
    expect(await (await token({ ...creds(), grant_type: 'password' })).json()).toEqual({ error: 'unsupported_grant_type' });
    expect(await (await token({ ...creds(), client_secret: 'wrong' })).json()).toEqual({ error: 'invalid_client' });
    const scope = await token({ ...creds(), scope: 'OR.Queues OR.Users' });
    expect([scope.status, await scope.json()]).toEqual([400, { error: 'invalid_scope' }]);
  });

  it('Orchestrator: 401 without a valid token, 403 without the scope, 400 without the folder header', async () => {
    const base = `${fake.url}/${fake.org}/${fake.tenant}/orchestrator_/odata/QueueDefinitions`;
    const anonymous = await fetch(base, { headers: { 'X-UIPATH-OrganizationUnitId': '42' } });
    expect([anonymous.status, ((await anonymous.json()) as { message: string }).message]).toEqual([401, 'You are not authenticated!']);
    const jobsOnly = ((await (await token({ ...creds(), scope: 'OR.Jobs' })).json()) as { access_token: string }).access_token;
    expect((await fetch(base, { headers: { Authorization: `Bearer ${jobsOnly}`, 'X-UIPATH-OrganizationUnitId': '42' } })).status).toBe(403);
    const noFolder = await odata('GET', 'QueueDefinitions', undefined, { 'X-UIPATH-OrganizationUnitId': '' });
    expect(noFolder.status).toBe(404);
    const res = await fetch(base, { headers: { Authorization: `Bearer ${await bearer()}` } });
    expect([res.status, ((await res.json()) as { errorCode: number }).errorCode]).toEqual([400, 1101]);
  });

  it('AddQueueItem: validates itemData, answers 201 with the entity, and 409 errorCode 1016 for a duplicate Reference', async () => {
    expect((await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', { Name: 'LeaveRequests' })).status).toBe(400);
    expect((await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', { itemData: { Name: 'Nope' } })).status).toBe(404);
    expect((await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', { itemData: { Name: 'LeaveRequests', Priority: 'Urgent' } })).status).toBe(400);
    expect((await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', { itemData: { Name: 'LeaveRequests', Reference: 'r'.repeat(129) } })).status).toBe(400);
    expect((await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', { itemData: { Name: 'LeaveRequests', SpecificContent: { nested: { a: 1 } } } })).status).toBe(400);
    const item = { itemData: { Name: 'leaverequests', Priority: 'High', Reference: 'REF-1', SpecificContent: { 'Name@odata.type': '#String', Name: 'Ada' } } };
    const made = await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', item);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ Status: 'New', Reference: 'REF-1', Priority: 'High', SpecificContent: { Name: 'Ada' }, QueueDefinitionId: fake.queues[0]!.Id });
    const dup = await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', item);
    expect([dup.status, dup.body.errorCode, dup.body.message]).toEqual([409, 1016, 'Error creating Transaction. Duplicate Reference.']);
    expect(typeof dup.body.traceId).toBe('string');
  });

  it('lists filter by Reference (quotes doubled), lag behind adds by filterLagMs, and refuse other filters; reads by id do not lag', async () => {
    fake.filterLagMs = 60_000;
    const made = await odata('POST', 'Queues/UiPathODataSvc.AddQueueItem', { itemData: { Name: 'LeaveRequests', Reference: "O'Brien" } });
    const filter = encodeURIComponent("Reference eq 'O''Brien'");
    expect((await odata('GET', `QueueItems?$filter=${filter}`)).body.value).toEqual([]);
    expect((await odata('GET', `QueueItems(${String(made.body.Id)})`)).body).toMatchObject({ Reference: "O'Brien" });
    fake.filterLagMs = 0;
    expect((await odata('GET', `QueueItems?$filter=${filter}`)).body.value).toHaveLength(1);
    expect((await odata('GET', `QueueItems?$filter=${encodeURIComponent("substringof('O', Reference)")}`)).status).toBe(400);
    expect((await odata('GET', 'QueueItems(123456)')).body).toMatchObject({ errorCode: 1002 });
    expect(parseFilter("QueueDefinitionId eq 7 and Reference eq 'a b'")).toEqual([{ field: 'QueueDefinitionId', value: 7 }, { field: 'Reference', value: 'a b' }]);
    expect(parseFilter("Reference eq 'x' or Id eq 1")).toBeNull();
  });

  it('StartJobs: a known release key, a valid strategy and InputArguments as a JSON string', async () => {
    const start = (startInfo: Record<string, unknown>) => odata('POST', 'Jobs/UiPath.Server.Configuration.OData.StartJobs', { startInfo });
    expect((await start({ ReleaseKey: 'not-a-guid', Strategy: 'ModernJobsCount' })).status).toBe(400);
    expect((await start({ ReleaseKey: '00000000-0000-0000-0000-000000000000', Strategy: 'ModernJobsCount' })).status).toBe(404);
    expect((await start({ ReleaseKey: UIPATH_DEFAULT_RELEASE_KEY, Strategy: 'Whatever' })).status).toBe(400);
    expect((await start({ ReleaseKey: UIPATH_DEFAULT_RELEASE_KEY, Strategy: 'ModernJobsCount', InputArguments: { a: 1 } })).status).toBe(400);
    const ok = await start({ ReleaseKey: UIPATH_DEFAULT_RELEASE_KEY, Strategy: 'ModernJobsCount', JobsCount: 1, InputArguments: '{"a":"1"}', Reference: 'REF-9' });
    expect(ok.status).toBe(201);
    expect((ok.body.value as unknown[])[0]).toMatchObject({ State: 'Pending', Reference: 'REF-9', InputArguments: '{"a":"1"}' });
  });
});
