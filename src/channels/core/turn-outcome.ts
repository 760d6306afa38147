/** What running one turn came to, whatever the channel. */
import type { RasaEvent } from '../../protocol/events';
import type { ResponseEntry } from '../../protocol/response';
import type { ErrorKind } from '../../errors';

export type TurnOutcome =
  | {
      kind: 'done';
      events: RasaEvent[];
      responses: ResponseEntry[];
      /** A follow-up action this server did not run (mapped to Dialogflow, or not registered). */
      followup: string | null;
      ran: string[];
    }
  | { kind: 'pending' }
  /** `errorKind`: the AppError the action threw, if it was one (a channel with status codes maps it). */
  | { kind: 'failed'; reason: 'rejected' | 'error'; userText: string | null; errorKind?: ErrorKind };
