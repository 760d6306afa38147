/** The outbound workflow webhook (Zapier, Make, n8n), configured when WORKFLOW_WEBHOOK_URL is set. */
import type { EnvReader } from '../../config/env';

export interface WorkflowConfig {
  url: string;
  /** Signs every delivery (X-ActionBridge-Signature) so the receiver can tell it is ours. */
  secret: string;
}

export function readWorkflowConfig(env: EnvReader): WorkflowConfig | undefined {
  const url = env.get('WORKFLOW_WEBHOOK_URL');
  if (!url) return undefined;
  return {
    url: env.url('WORKFLOW_WEBHOOK_URL', url, ''),
    secret: env.require('WORKFLOW_WEBHOOK_SECRET', 'WORKFLOW_WEBHOOK_URL is set', { secret: true }),
  };
}
