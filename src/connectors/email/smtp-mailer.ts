/**
 * Mail over SMTP with nodemailer, through the gateway as the `email` connector. Loaded only when
 * SMTP_URL is set (src/connectors/registry.ts), so nodemailer costs nothing otherwise.
 *
 * A send is treated as idempotent: after an ambiguous failure the same message may go out twice,
 * which for a one-time code only means the same code twice.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from '../../ports/mailer';
import type { Gateway } from '../kit/gateway';
import type { MailConfig } from './config';
import { EMAIL, normalizeSmtpError } from './smtp-errors';

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    private readonly settings: MailConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(EMAIL, normalizeSmtpError);
    // nodemailer waits minutes by default; no socket should outlive the gateway's attempt timeout.
    const timeoutMs = gateway.policyOf(EMAIL).attemptTimeoutMs;
    this.transport = nodemailer.createTransport(
      { url: settings.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, logger: false },
      { from: settings.from },
    );
  }

  async send(message: MailMessage): Promise<void> {
    await this.gateway.call(
      EMAIL,
      'send',
      (signal) => this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text, signal }),
      { idempotent: true },
    );
  }

  close(): void {
    this.transport.close();
  }
}
