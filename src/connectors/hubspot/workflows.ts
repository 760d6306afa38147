/**
 * Enrolling a contact in the HubSpot workflow named by HUBSPOT_WORKFLOW_ID: the legacy Workflows
 * API v2 (`POST /automation/v2/workflows/{id}/enrollments/contacts/{email}`, 204 without a
 * body), the one HubSpot documents for enrolling by hand; the SDK has no method for it, so it goes
 * through the SDK's `apiRequest` (same token, base URL and user agent). Enrolling again is
 * harmless to HubSpot (a contact is in a workflow or not), so the call is idempotent.
 */
import { Client } from '@hubspot/api-client';
import type { EnrolmentSystem } from '../../ports/enrolment';
import { fromHttpStatus, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import type { HubspotConfig } from './config';
import { HUBSPOT, normalizeHubspotError } from './index';

export class HubspotWorkflows implements EnrolmentSystem {
  readonly provider = HUBSPOT;
  private readonly client: Client;

  constructor(
    private readonly config: HubspotConfig & { workflowId: string },
    private readonly gateway: Gateway,
  ) {
    gateway.register(HUBSPOT, normalizeHubspotError);
    this.client = new Client({ accessToken: config.accessToken, basePath: config.baseUrl });
  }

  async enrollContact(email: string, opts: { signal?: AbortSignal } = {}): Promise<{ enrolled: true }> {
    const path = `/automation/v2/workflows/${encodeURIComponent(this.config.workflowId)}/enrollments/contacts/${encodeURIComponent(email)}`;
    return this.gateway.call(
      HUBSPOT,
      'enrollInWorkflow',
      async () => {
        const res = await this.client.apiRequest({ method: 'POST', path });
        if (res.ok) return { enrolled: true as const };
        const body = (await res.json().catch(() => ({}))) as { message?: unknown; category?: unknown };
        const message = typeof body.message === 'string' ? body.message : `HubSpot answered ${res.status}.`;
        throw fromHttpStatus(HUBSPOT, res.status, message, {
          vendorCode: typeof body.category === 'string' ? body.category : undefined,
          retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after') ?? undefined),
        });
      },
      { idempotent: true, signal: opts.signal },
    );
  }
}
