/**
 * Rasa's HTTP API as the `rasa` connector: `POST /conversations/{id}/trigger_intent` with
 * `output_channel=latest`, so the message reaches the user on the channel they last wrote from
 * (a channel that cannot push, such as REST, only gets it in the conversation's history).
 *
 * What Rasa answers (rasa/server.py): 401/403 for a missing or wrong token, 400 without a `name`,
 * 404 for an intent its domain lacks, 409 while no model is loaded (a restart), 500 for anything
 * its processing threw. A conversation it has never seen is not an error: it starts one. A trigger
 * is not idempotent (each one is a message), so the gateway never repeats an ambiguous one.
 */
import type { AssistantSystem, TriggeredIntent } from '../../ports/assistant';
import { ConnectorError, fromHttpStatus, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import type { RasaConfig } from './config';

export const RASA = 'rasa';

export class RasaAssistant implements AssistantSystem {
  readonly provider = RASA;

  constructor(
    private readonly config: RasaConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(RASA, () => undefined);
  }

  async triggerIntent(trigger: TriggeredIntent, opts: { signal?: AbortSignal } = {}): Promise<{ accepted: true }> {
    const url = new URL(`${this.config.url}/conversations/${encodeURIComponent(trigger.conversationId)}/trigger_intent`);
    url.searchParams.set('output_channel', 'latest');
    // Rasa reads its token from the query only; the URL never reaches a log line (the gateway logs operations).
    if (this.config.token) url.searchParams.set('token', this.config.token);
    const body = JSON.stringify({ name: trigger.intent, entities: trigger.entities });
    return this.gateway.call(
      RASA,
      'triggerIntent',
      async (signal) => {
        const res = await fetch(url, { method: 'POST', body, signal, headers: { 'Content-Type': 'application/json', 'User-Agent': 'ActionBridge' } });
        const text = await res.text().catch(() => '');
        if (res.ok) return { accepted: true as const };
        throw rasaError(res.status, text, res.headers.get('retry-after') ?? undefined);
      },
      { idempotent: false, signal: opts.signal },
    );
  }
}

/** Rasa's error body: `{version, status: "failure", message, reason, details, help, code}`. */
function rasaError(status: number, text: string, retryAfter: string | undefined): ConnectorError {
  let reason: string | undefined;
  let message = `Rasa answered ${status}.`;
  try {
    const body = JSON.parse(text) as { message?: unknown; reason?: unknown };
    if (typeof body.message === 'string') message = `Rasa answered ${status}: ${body.message.slice(0, 300)}`;
    if (typeof body.reason === 'string') reason = body.reason;
  } catch {
    // Not Rasa's JSON (a proxy's page): the status says enough.
  }
  // No model loaded yet (Rasa restarting): the intent was refused up front, so it is safe to send again.
  if (status === 409) return new ConnectorError('upstream_unavailable', message, { connector: RASA, status, vendorCode: reason, retry: 'safe' });
  return fromHttpStatus(RASA, status, message, { vendorCode: reason, retryAfterSeconds: parseRetryAfter(retryAfter) });
}
