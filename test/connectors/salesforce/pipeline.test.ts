/**
 * Issue #16: the Salesforce pipeline read against the fake, and the fake's SOQL as strict as
 * Salesforce's (unknown fields, ungrouped fields beside aggregates, a value that is not a literal).
 */
import { SalesforceCrm } from '../../../src/connectors/salesforce';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { FakeSalesforce } from '../../support/fakes/salesforce';
import { TEST_POLICY } from '../../support/policy';

describe('Salesforce pipeline (aggregate SOQL)', () => {
  let sf: FakeSalesforce;
  let crm: SalesforceCrm;
  beforeEach(async () => {
    sf = await new FakeSalesforce({ clientId: 'c', clientSecret: 's' }, ['AT']).start();
    crm = new SalesforceCrm({ loginUrl: sf.url, instanceUrl: sf.url, accessToken: 'AT', apiVersion: '59.0', leadSource: 'Web' }, new Gateway({ defaults: TEST_POLICY }));
  });
  afterEach(() => sf.stop());

  const soql = async (q: string) => {
    const res = await fetch(`${sf.url}/services/data/v59.0/query?q=${encodeURIComponent(q)}`, { headers: { authorization: 'Bearer AT' } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('sums the opportunities of every active User with the email, and none of an inactive one', async () => {
    const a = sf.sales.addUser('shared@corp.example');
    const b = sf.sales.addUser('shared@corp.example');
    const gone = sf.sales.addUser('shared@corp.example', { active: false });
    sf.sales.addOpportunity({ ownerId: a, name: 'a', stage: 'Prospecting', amount: 10, closeDate: '2027-01-02' });
    sf.sales.addOpportunity({ ownerId: b, name: 'b', stage: 'Prospecting', amount: 5, closeDate: '2027-01-01' });
    sf.sales.addOpportunity({ ownerId: gone, name: 'c', stage: 'Prospecting', amount: 1000, closeDate: '2026-12-31' });
    expect(await crm.pipeline({ email: 'shared@corp.example' })).toEqual({ ownerFound: true, stages: [{ stage: 'Prospecting', count: 2, amount: 15, nextCloseDate: '2027-01-01' }] });
  });

  it('the fake refuses a field Opportunity lacks with INVALID_FIELD, as Salesforce does', async () => {
    expect(await soql('SELECT StageName, SUM(Probability__c) p FROM Opportunity GROUP BY StageName')).toEqual({
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Probability__c' on entity 'Opportunity'.", fields: [] }],
    });
  });

  it('the fake refuses an ungrouped field beside an aggregate, and a value that is not a literal (an injected quote)', async () => {
    expect(((await soql('SELECT Name, COUNT(Id) n FROM Opportunity GROUP BY StageName')).body as [{ errorCode: string }])[0].errorCode).toBe('MALFORMED_QUERY');
    expect(((await soql("SELECT Id FROM User WHERE Email = 'a' OR Email != 'b'")).body as [{ errorCode: string }])[0].errorCode).toBe('MALFORMED_QUERY');
    expect(((await soql("SELECT Id FROM User WHERE Email = 'a")).body as [{ errorCode: string }])[0].errorCode).toBe('MALFORMED_QUERY');
  });

  it('a Lead update naming a field the Lead lacks is refused with INVALID_FIELD, in the taxonomy', async () => {
    sf.leads.set('00Q1', { Id: '00Q1', Email: 'x@corp.example', LastName: 'X', Company: 'C' });
    const crmOther = new SalesforceCrm(
      { loginUrl: sf.url, instanceUrl: sf.url, accessToken: 'AT', apiVersion: '59.0', leadSource: 'Web', leadPropertyFields: { productInterest: 'Nope__c', preferredContactTime: 'Preferred_Contact_Time__c' } },
      new Gateway({ defaults: TEST_POLICY }),
    );
    const err = await crmOther.updateContactProperties('x@corp.example', { productInterest: 'API' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: 'validation', vendorCode: 'INVALID_FIELD' });
    expect(sf.leads.get('00Q1')).not.toHaveProperty('Nope__c');
  });
});
