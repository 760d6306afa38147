/**
 * Sending an email: what an action is given to reach a customer at the address a company system
 * holds for them (a one-time code, say). The shipped connector speaks SMTP (src/connectors/email).
 */

export interface MailMessage {
  to: string;
  subject: string;
  /** Plain text only: nothing a user typed is ever rendered as HTML in someone's inbox. */
  text: string;
}

export interface Mailer {
  /** Resolves once the mail server has accepted the message for delivery. */
  send(message: MailMessage): Promise<void>;
}
