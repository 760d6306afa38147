/**
 * One-time codes: a short secret mailed to an address a company system already holds, typed
 * back into the conversation to prove that the person asking can read that mailbox. A code
 * proves one thing only: the purpose, the record, the conversation and the details it was issued
 * for.
 */

/** What a code may approve. */
export type CodePurpose = 'address_change';

export interface CodeSubject {
  purpose: CodePurpose;
  /** The record the code is about (an order id). */
  recordId: string;
  /** The conversation it was issued to (Rasa's sender id); another conversation cannot use it. */
  conversation: string;
  /** What exactly is approved (the new address, say): a code for one change does not approve another. */
  details: string;
}

export type CodeIssue =
  | { ok: true; code: string; expiresAt: Date }
  /** Too many codes for this record lately: nobody's inbox is flooded through the bot. */
  | { ok: false; reason: 'too_many'; retryAfterSeconds: number };

export type CodeCheck =
  | { ok: true }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  /** No code is waiting for this subject (never issued, already used, or issued for other details). */
  | { ok: false; reason: 'none' }
  | { ok: false; reason: 'expired' }
  /** Too many wrong tries: the code no longer works, even when right. */
  | { ok: false; reason: 'burned' };

export interface OneTimeCodes {
  /** A fresh code for the subject; it replaces any earlier code of the same purpose, record and conversation. */
  issue(subject: CodeSubject): Promise<CodeIssue>;
  /** Checks `code`, consuming it when right; a wrong code counts against its tries. */
  verify(subject: CodeSubject, code: string): Promise<CodeCheck>;
}
