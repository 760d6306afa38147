/**
 * Outbound workflow webhooks (Zapier, Make, n8n): a JSON POST to WORKFLOW_WEBHOOK_URL, signed
 * (see signature.ts), through the gateway as the `workflow` connector.
 *
 * Body: `{"id": <job reference>, "event": "demo.requested", "created_at": ISO time, "data": {...}}`.
 * Delivery is at least once: after an ambiguous failure the job posts again with the same `id`
 * (also in X-ActionBridge-Delivery), which the receiver uses to drop duplicates.
 */
import type { WorkflowEvent, WorkflowSystem } from '../../ports/workflow';
import { fromHttpStatus, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import { DELIVERY_HEADER, EVENT_HEADER, signedHeaders } from '../../http/signature';
import type { WorkflowConfig } from './config';

export const WORKFLOW = 'workflow';

export class WorkflowWebhook implements WorkflowSystem {
  constructor(
    private readonly settings: WorkflowConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(WORKFLOW, () => undefined);
  }

  /** Posts the event; resolves with the receiver's status. */
  async send(event: WorkflowEvent, createdAt: Date = new Date()): Promise<{ status: number }> {
    const body = JSON.stringify({ id: event.id, event: event.event, created_at: createdAt.toISOString(), data: event.data });
    return this.gateway.call(
      WORKFLOW,
      'post',
      async (signal) => {
        // Signed per attempt: a retry a minute later must carry a fresh timestamp.
        const res = await fetch(this.settings.url, {
          method: 'POST',
          body,
          signal,
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'ActionBridge',
            [DELIVERY_HEADER]: event.id,
            [EVENT_HEADER]: event.event,
            ...signedHeaders(this.settings.secret, body),
          },
        });
        const text = await res.text().catch(() => '');
        if (!res.ok) {
          throw fromHttpStatus(WORKFLOW, res.status, `The workflow webhook answered ${res.status}${text ? `: ${text.slice(0, 200)}` : '.'}`, {
            retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after') ?? undefined),
          });
        }
        return { status: res.status };
      },
      { idempotent: false },
    );
  }
}
