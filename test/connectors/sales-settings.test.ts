/** Issue #16: the CRM fields a user's interest is written to are settings, checked as the vendor's names. */
import { ConfigError } from '../../src/config';
import { loadConnectorsConfig } from '../../src/connectors/config';

const sf = { CRM_PROVIDER: 'salesforce', SALESFORCE_ACCESS_TOKEN: 'tok-123', SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com' };
const hs = { CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hs-token' };

function load(env: Record<string, string>): { settings?: unknown; problems: string[] } {
  try {
    return { settings: (loadConnectorsConfig(env).crm as { settings: unknown }).settings, problems: [] };
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems };
    throw err;
  }
}

describe('contact-property settings', () => {
  it('Salesforce: custom Lead fields by default, others by name, a name Salesforce could not have refused', () => {
    expect(load(sf).settings).toMatchObject({ leadPropertyFields: { productInterest: 'Product_Interest__c', preferredContactTime: 'Preferred_Contact_Time__c' } });
    expect(load({ ...sf, SALESFORCE_LEAD_INTEREST_FIELD: 'Interest__c', SALESFORCE_LEAD_CONTACT_TIME_FIELD: 'Description' }).settings).toMatchObject({
      leadPropertyFields: { productInterest: 'Interest__c', preferredContactTime: 'Description' },
    });
    expect(load({ ...sf, SALESFORCE_LEAD_INTEREST_FIELD: "Interest__c, Id FROM User WHERE Name = 'x'" }).problems).toEqual([expect.stringContaining('SALESFORCE_LEAD_INTEREST_FIELD')]);
  });

  it('HubSpot: product_interest and preferred_contact_time by default, internal names only', () => {
    expect(load(hs).settings).toMatchObject({ contactPropertyNames: { productInterest: 'product_interest', preferredContactTime: 'preferred_contact_time' } });
    expect(load({ ...hs, HUBSPOT_CONTACT_TIME_PROPERTY: 'best_time_to_call' }).settings).toMatchObject({ contactPropertyNames: { preferredContactTime: 'best_time_to_call' } });
    expect(load({ ...hs, HUBSPOT_INTEREST_PROPERTY: 'Product Interest' }).problems).toEqual([expect.stringContaining('HUBSPOT_INTEREST_PROPERTY')]);
  });
});
