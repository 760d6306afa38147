/** HubSpot settings, read when CRM_PROVIDER=hubspot. */
import type { EnvReader } from '../../config/env';
// Only the type: this module is read before the SDK is known to be installed.
import type { ContactPropertyNames } from './sales';

export const DEFAULT_CONTACT_PROPERTY_NAMES: ContactPropertyNames = { productInterest: 'product_interest', preferredContactTime: 'preferred_contact_time' };

export interface HubspotConfig {
  accessToken: string;
  baseUrl: string;
  /** The workflow leads are enrolled in (HUBSPOT_WORKFLOW_ID, an integer); absent: no enrolment. */
  workflowId?: string;
  /** The contact properties a user's product interest and preferred contact time are written to. */
  contactPropertyNames?: ContactPropertyNames;
}

export function readHubspotConfig(env: EnvReader): HubspotConfig {
  const workflowId = env.get('HUBSPOT_WORKFLOW_ID');
  if (workflowId !== undefined && !/^\d{1,18}$/.test(workflowId)) env.problems.push(`HUBSPOT_WORKFLOW_ID: '${workflowId}' is not a workflow id (a whole number)`);
  return {
    accessToken: env.require('HUBSPOT_ACCESS_TOKEN', 'CRM_PROVIDER=hubspot', { secret: true }),
    baseUrl: env.url('HUBSPOT_BASE_URL', 'https://api.hubapi.com', 'CRM_PROVIDER=hubspot'),
    ...(workflowId && /^\d{1,18}$/.test(workflowId) ? { workflowId } : {}),
    contactPropertyNames: readContactPropertyNames(env),
  };
}

/** HubSpot's internal property names: lowercase letters, digits and underscores. */
function readContactPropertyNames(env: EnvReader): ContactPropertyNames {
  const name = (key: string, fallback: string) => {
    const raw = env.get(key) ?? fallback;
    if (!/^[a-z][a-z0-9_]{0,99}$/.test(raw)) env.problems.push(`${key}: '${raw}' is not a HubSpot property's internal name such as ${fallback}`);
    return raw;
  };
  return {
    productInterest: name('HUBSPOT_INTEREST_PROPERTY', DEFAULT_CONTACT_PROPERTY_NAMES.productInterest),
    preferredContactTime: name('HUBSPOT_CONTACT_TIME_PROPERTY', DEFAULT_CONTACT_PROPERTY_NAMES.preferredContactTime),
  };
}
