/**
 * A loopback Rasa server (`rasa run --enable-api --auth-token ...`) for tests: only
 * `POST /conversations/{id}/trigger_intent`, answered as rasa/server.py does: 401 NotAuthenticated
 * for a missing or wrong token, 409 Conflict while no model is loaded, 400 BadRequest without a
 * `name`, 404 NotFound for an intent the domain lacks, else 200 with the conversation's tracker.
 * A conversation it has never seen is started, not refused. Errors carry Rasa's body:
 * `{version, status: "failure", message, reason, details, help, code}`.
 */
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';

export interface ReceivedTrigger {
  conversationId: string;
  intent: string;
  entities: unknown;
  outputChannel: string | undefined;
}

const failure = (code: number, reason: string, message: string, details: Record<string, unknown> = {}): FakeReply => ({
  status: code,
  body: { version: '3.6.20', status: 'failure', message, reason, details, help: null, code },
});

export class FakeRasa extends FakeHttpServer {
  readonly triggers: ReceivedTrigger[] = [];
  /** False as while Rasa starts or loads a new model. */
  modelLoaded = true;
  private readonly events = new Map<string, unknown[]>();

  constructor(
    private readonly intents: readonly string[],
    private readonly token: string | undefined = 'rasa-token',
  ) {
    super((req) => this.route(req));
  }

  private route(req: RecordedRequest): FakeReply {
    const m = /^\/conversations\/(.+)\/trigger_intent$/.exec(req.path);
    if (req.method !== 'POST' || !m) return { status: 404, body: { description: 'Not Found', status: 404, message: `Requested URL ${req.path} not found` } };
    // Rasa checks the token before anything else (requires_auth wraps the route).
    if (this.token !== undefined && req.query.token !== this.token) return failure(401, 'NotAuthenticated', 'User is not authenticated.');
    if (!this.modelLoaded) return failure(409, 'Conflict', 'No agent loaded. To continue processing, a model of a trained agent needs to be loaded.');
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { name?: unknown; entities?: unknown };
    if (!body.name) return failure(400, 'BadRequest', 'Name of the intent not provided in request body.', { parameter: 'name', in: 'body' });
    const intent = String(body.name);
    if (!this.intents.includes(intent)) return failure(404, 'NotFound', `The intent ${intent} does not exist in the domain.`);
    const conversationId = decodeURIComponent(m[1]!);
    this.triggers.push({ conversationId, intent, entities: body.entities ?? [], outputChannel: req.query.output_channel });
    const events = this.events.get(conversationId) ?? [];
    events.push({ event: 'user', text: `EXTERNAL: ${intent}`, parse_data: { intent: { name: intent, confidence: 1 }, entities: body.entities ?? [] } });
    this.events.set(conversationId, events);
    return { status: 200, body: { tracker: { sender_id: conversationId, events, latest_input_channel: null } } };
  }

  /** The triggers one conversation received, in order. */
  triggersFor(conversationId: string): ReceivedTrigger[] {
    return this.triggers.filter((t) => t.conversationId === conversationId);
  }
}
