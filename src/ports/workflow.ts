/**
 * The company's workflow platform (Zapier, Make, n8n, reached by a signed webhook):
 * `WorkflowSystem` is what a connector implements, `Workflow` what an action is given.
 */
import type { Handed } from './durable';

export interface WorkflowEvent {
  /** Stable per request: the receiver drops a repeated delivery by it. */
  id: string;
  /** e.g. `demo.requested`. */
  event: string;
  data: Record<string, unknown>;
}

export interface WorkflowSystem {
  /** Sends the event; resolves with the receiver's HTTP status. */
  send(event: WorkflowEvent, createdAt?: Date): Promise<{ status: number }>;
}

export interface Workflow {
  /** Tells the workflow that `event` happened (once per `requestKey`); the reference is the event's id. */
  notify(event: string, data: Record<string, unknown>, requestKey: string): Promise<Handed<{ status: number }> & { reference: string }>;
}
