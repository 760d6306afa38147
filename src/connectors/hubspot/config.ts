/** HubSpot settings, read when CRM_PROVIDER=hubspot. */
import type { EnvReader } from '../../config/env';

export interface HubspotConfig {
  accessToken: string;
  baseUrl: string;
}

export function readHubspotConfig(env: EnvReader): HubspotConfig {
  return {
    accessToken: env.require('HUBSPOT_ACCESS_TOKEN', 'CRM_PROVIDER=hubspot', { secret: true }),
    baseUrl: env.url('HUBSPOT_BASE_URL', 'https://api.hubapi.com', 'CRM_PROVIDER=hubspot'),
  };
}
