/**
 * Salesforce settings, read when CRM_PROVIDER=salesforce. Either a ready access token with its
 * instance URL, or a connected app (client id/secret) that gets tokens by client credentials,
 * or by username-password when SALESFORCE_USERNAME is set. With both, the token is used first
 * and the connected app renews it after a 401.
 */
import type { EnvReader } from '../../config/env';
import { DEFAULT_LEAD_PROPERTY_FIELDS, type LeadPropertyFields } from './sales';

export interface SalesforceGrant {
  clientId: string;
  clientSecret: string;
  /** Present for the username-password flow; absent means client credentials. */
  username?: string;
  password?: string;
}

export interface SalesforceConfig {
  loginUrl: string;
  instanceUrl?: string;
  accessToken?: string;
  grant?: SalesforceGrant;
  apiVersion: string;
  leadSource: string;
  /**
   * The Lead's external-id field that holds the request's reference (a custom Text field marked
   * "External ID" and "Unique"): creates are upserts on it, so a repeated create is the same
   * lead. `none`: plain creates, verified by email before they are repeated.
   */
  referenceField?: string;
  /** The Lead's custom fields a user's product interest and preferred contact time are written to. */
  leadPropertyFields?: LeadPropertyFields;
}

export function readSalesforceConfig(env: EnvReader): SalesforceConfig {
  const because = 'CRM_PROVIDER=salesforce';
  const accessToken = env.get('SALESFORCE_ACCESS_TOKEN', { secret: true });
  const clientId = env.get('SALESFORCE_CLIENT_ID');
  const clientSecret = env.get('SALESFORCE_CLIENT_SECRET', { secret: true });
  const username = env.get('SALESFORCE_USERNAME');
  const password = env.get('SALESFORCE_PASSWORD', { secret: true });
  const apiVersion = env.get('SALESFORCE_API_VERSION') ?? '59.0';
  if (!/^\d+\.\d$/.test(apiVersion)) env.problems.push(`SALESFORCE_API_VERSION: '${apiVersion}' is not an API version such as 59.0`);

  let grant: SalesforceGrant | undefined;
  if (clientId || clientSecret) {
    if (!clientId) env.require('SALESFORCE_CLIENT_ID', `${because} with SALESFORCE_CLIENT_SECRET`);
    if (!clientSecret) env.require('SALESFORCE_CLIENT_SECRET', `${because} with SALESFORCE_CLIENT_ID`, { secret: true });
    if (username && !password) env.require('SALESFORCE_PASSWORD', `${because} with SALESFORCE_USERNAME`);
    grant = { clientId: clientId ?? '', clientSecret: clientSecret ?? '', username, password: username ? password : undefined };
  } else if (!accessToken) {
    env.problems.push(
      `SALESFORCE_ACCESS_TOKEN (with SALESFORCE_INSTANCE_URL) or SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET are required when ${because}`,
    );
  }
  const instanceUrl = accessToken ? env.url('SALESFORCE_INSTANCE_URL', undefined, `${because} with SALESFORCE_ACCESS_TOKEN`) : env.get('SALESFORCE_INSTANCE_URL');
  return {
    loginUrl: env.url('SALESFORCE_LOGIN_URL', 'https://login.salesforce.com', because),
    instanceUrl: instanceUrl?.replace(/\/+$/, ''),
    accessToken,
    grant,
    apiVersion,
    // A value of the standard Lead Source picklist; an org that added "Chatbot" can say so.
    leadSource: env.get('SALESFORCE_LEAD_SOURCE') ?? 'Web',
    referenceField: readReferenceField(env),
    leadPropertyFields: readLeadPropertyFields(env),
  };
}

/** Salesforce API names: letters, digits and single underscores, custom ones ending in __c. */
const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?:__c)?$/;
export const DEFAULT_REFERENCE_FIELD = 'ActionBridge_Reference__c';

function readReferenceField(env: EnvReader): string | undefined {
  const raw = env.get('SALESFORCE_LEAD_REFERENCE_FIELD');
  if (raw === undefined) return DEFAULT_REFERENCE_FIELD;
  if (raw.toLowerCase() === 'none') return undefined;
  if (!API_NAME.test(raw)) env.problems.push(`SALESFORCE_LEAD_REFERENCE_FIELD: '${raw}' is not a Salesforce field name such as ${DEFAULT_REFERENCE_FIELD} (or none)`);
  return raw;
}

function readLeadPropertyFields(env: EnvReader): LeadPropertyFields {
  const field = (name: string, fallback: string) => {
    const raw = env.get(name) ?? fallback;
    if (!API_NAME.test(raw)) env.problems.push(`${name}: '${raw}' is not a Salesforce field name such as ${fallback}`);
    return raw;
  };
  return {
    productInterest: field('SALESFORCE_LEAD_INTEREST_FIELD', DEFAULT_LEAD_PROPERTY_FIELDS.productInterest),
    preferredContactTime: field('SALESFORCE_LEAD_CONTACT_TIME_FIELD', DEFAULT_LEAD_PROPERTY_FIELDS.preferredContactTime),
  };
}
