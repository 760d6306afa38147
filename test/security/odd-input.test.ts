/**
 * Two of the info items of the security audit (#13): U+202E (right-to-left override) was accepted
 * in delivery addresses, where it makes a label read other than it is written; and a signed hook's
 * `commentOnTicket` went into the Jira URL path as given. Both are refused now.
 */
import { ArticleJob } from '../../src/delivery/handlers';
import { ticketForm } from '../../actions/ticket-form';
import { addressLine1Schema } from '../../actions/shared/order-input';
import { parseSeverity } from '../../actions/shared/triage';
import { formDomain, runAction } from '../../src/sdk/testkit';

describe('odd input', () => {
  it.each(['12 Main St\u202E', '\u2066Flat 3\u2069, 1 High Street', 'Baker\u202D Street 221b'])('an address line with bidirectional controls is refused: %j', (line) => {
    expect(addressLine1Schema.safeParse(line).success).toBe(false);
  });

  it('an ordinary address line, right-to-left scripts included, still passes', () => {
    expect(addressLine1Schema.parse('  221b   Baker Street ')).toBe('221b Baker Street');
    expect(addressLine1Schema.safeParse('شارع الملك فهد 12').success).toBe(true);
  });

  it.each(['../../../myself', 'SUP-1/../../admin', 'SUP-1?expand=x', 'sup-1', 'SUP-'])('a ticket to comment on must be a ticket key: %j', (key) => {
    const article = { title: 't', problem: 'p', solution: 's', reference: 'SUP-1' };
    expect(ArticleJob.safeParse({ article, commentOnTicket: key }).success).toBe(false);
    expect(ArticleJob.safeParse({ article, commentOnTicket: 'SUP-123' }).success).toBe(true);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a severity typed as %j is not one (found while attacking the ticket form)', async (typed) => {
    expect(parseSeverity(typed)).toBeNull();
    const out = await runAction(ticketForm, { domain: formDomain('ticket_form', ['ticket_summary', 'ticket_description']), activeLoop: 'ticket_form', text: typed, extracted: { ticket_severity: typed } });
    expect(out.slotsSet.ticket_severity).toBeNull();
  });
});
