/** HubSpot settings, read when CRM_PROVIDER=hubspot. */
import type { EnvReader } from '../../config/env';

export interface HubspotConfig {
  accessToken: string;
  baseUrl: string;
  /** The workflow leads are enrolled in (HUBSPOT_WORKFLOW_ID, an integer); absent: no enrolment. */
  workflowId?: string;
}

export function readHubspotConfig(env: EnvReader): HubspotConfig {
  const workflowId = env.get('HUBSPOT_WORKFLOW_ID');
  if (workflowId !== undefined && !/^\d{1,18}$/.test(workflowId)) env.problems.push(`HUBSPOT_WORKFLOW_ID: '${workflowId}' is not a workflow id (a whole number)`);
  return {
    accessToken: env.require('HUBSPOT_ACCESS_TOKEN', 'CRM_PROVIDER=hubspot', { secret: true }),
    baseUrl: env.url('HUBSPOT_BASE_URL', 'https://api.hubapi.com', 'CRM_PROVIDER=hubspot'),
    ...(workflowId && /^\d{1,18}$/.test(workflowId) ? { workflowId } : {}),
  };
}
