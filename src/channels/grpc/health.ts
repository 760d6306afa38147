/**
 * grpc.health.v1.Health: `Check` answers SERVING for the whole server ("") and for the action
 * service (by its full name, and by rasa_sdk's name for it, "ActionServer"), NOT_SERVING once
 * shutdown began, and NOT_FOUND for any other name, as the protocol asks. `Watch` streams the
 * status and its changes; the streams end at shutdown, so they do not hold it up.
 */
import type * as Grpc from '@grpc/grpc-js';
import { GrpcCode } from './status';

export const ACTION_SERVICE = 'action_server_webhook.ActionService';
const KNOWN_SERVICES = new Set(['', ACTION_SERVICE, 'ActionServer']);

type Status = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
interface CheckRequest {
  service?: string;
}

export class HealthService {
  private serving = true;
  private readonly watchers = new Set<{ call: Grpc.ServerWritableStream<CheckRequest, { status: Status }>; service: string }>();

  private statusOf(service: string): Status {
    if (!KNOWN_SERVICES.has(service)) return 'SERVICE_UNKNOWN';
    return this.serving ? 'SERVING' : 'NOT_SERVING';
  }

  /** The implementation handed to grpc-js for grpc.health.v1.Health. */
  readonly implementation = {
    Check: (call: Grpc.ServerUnaryCall<CheckRequest, { status: Status }>, callback: Grpc.sendUnaryData<{ status: Status }>): void => {
      const service = call.request.service ?? '';
      if (!KNOWN_SERVICES.has(service)) {
        callback({ code: GrpcCode.NOT_FOUND, details: `unknown service '${service.slice(0, 100)}'` });
        return;
      }
      callback(null, { status: this.statusOf(service) });
    },
    Watch: (call: Grpc.ServerWritableStream<CheckRequest, { status: Status }>): void => {
      const watcher = { call, service: call.request.service ?? '' };
      if (!this.serving) {
        call.end();
        return;
      }
      this.watchers.add(watcher);
      call.on('cancelled', () => this.watchers.delete(watcher));
      call.write({ status: this.statusOf(watcher.service) });
    },
  };

  /** Shutdown began: checks say NOT_SERVING, watchers are told so and their streams end. */
  stopServing(): void {
    this.serving = false;
    for (const { call, service } of this.watchers) {
      call.write({ status: this.statusOf(service) });
      call.end();
    }
    this.watchers.clear();
  }
}
