/**
 * Telling a team channel that something needs eyes (Slack, Microsoft Teams). Actions never call
 * it: a notification follows a job that did something worth telling (a critical ticket filed, a
 * qualified lead created), so it is sent only for what exists, through the outbox.
 */

export const NOTIFY_EVENTS = ['ticket.p1', 'lead.qualified'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export interface NotificationFact {
  name: string;
  value: string;
}

export interface Notification {
  /** Unique per notification; kept with the message where the vendor can keep it, so a repeat can be recognised. */
  reference: string;
  event: NotifyEvent;
  /** Plain text: adapters escape it for their markup, so nothing typed by a user pings or links. */
  title: string;
  text: string;
  facts: NotificationFact[];
  /** Where the team acts on it (the ticket, the lead). */
  url?: string;
}

export interface SentNotification {
  /** The vendor's id of the message when it gives one (Slack's `ts`); Teams' webhooks give none. */
  id?: string;
}

export interface Notifier {
  /** `slack` or `teams`. */
  readonly provider: string;
  send(notification: Notification, opts?: { signal?: AbortSignal }): Promise<SentNotification>;
  /**
   * Looks for a message an earlier attempt may have posted, by the notification's reference,
   * among those posted since `since`. Absent where the vendor cannot be read back (delivery is
   * then at least once).
   */
  findSent?(reference: string, since: Date, opts?: { signal?: AbortSignal }): Promise<SentNotification | null>;
  /** How long `findSent` may miss a message just posted. */
  readonly searchConsistencyMs?: number;
}
