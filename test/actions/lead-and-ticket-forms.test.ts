import { leadForm } from '../../actions/lead-form';
import { ticketForm } from '../../actions/ticket-form';
import { parseSeverity, triageSeverity } from '../../actions/shared/triage';
import { formDomain, runAction } from '../../src/sdk/testkit';
import { checkResponse } from '../fixtures/rasa-response-schema';

const leadDomain = formDomain('lead_form', ['lead_name', 'lead_email', 'lead_company', 'lead_interest']);
const ticketDomain = formDomain('ticket_form', ['ticket_summary', 'ticket_description']);

describe('validate_lead_form', () => {
  it('normalizes a valid email and rejects a malformed one with a clear question', async () => {
    const ok = await runAction(leadForm, { domain: leadDomain, activeLoop: 'lead_form', text: ' Ada@Example.COM ', extracted: { lead_email: ' Ada@Example.COM ' } });
    expect(ok.slotsSet).toEqual({ lead_email: 'ada@example.com' });
    expect(ok.texts).toEqual([]);

    const bad = await runAction(leadForm, { domain: leadDomain, activeLoop: 'lead_form', text: 'ada at example', extracted: { lead_email: 'ada at example' } });
    expect(bad.slotsSet).toEqual({ lead_email: null });
    expect(bad.texts[0]).toContain("doesn't look like an email address");
  });

  it('rejects an empty name and tidies spaces', async () => {
    const blank = await runAction(leadForm, { domain: leadDomain, activeLoop: 'lead_form', text: '  ', extracted: { lead_name: '   ' } });
    expect(blank.slotsSet).toEqual({ lead_name: null });
    const spaced = await runAction(leadForm, { domain: leadDomain, activeLoop: 'lead_form', text: 'x', extracted: { lead_name: ' Ada   Lovelace ' } });
    expect(spaced.slotsSet).toEqual({ lead_name: 'Ada Lovelace' });
  });
});

describe('validate_ticket_form', () => {
  it('rejects an empty or too short summary', async () => {
    const out = await runAction(ticketForm, { domain: ticketDomain, activeLoop: 'ticket_form', text: ' ', extracted: { ticket_summary: ' ' } });
    expect(out.slotsSet).toEqual({ ticket_summary: null });
    expect(out.texts[0]).toContain('one-line summary');
  });

  it('maps severity synonyms into the allowed set and rejects anything else', async () => {
    const urgent = await runAction(ticketForm, { domain: ticketDomain, activeLoop: 'ticket_form', text: 'urgent', extracted: { ticket_severity: 'Urgent' } });
    expect(urgent.slotsSet.ticket_severity).toBe('critical');
    const bogus = await runAction(ticketForm, { domain: ticketDomain, activeLoop: 'ticket_form', text: 'meh', extracted: { ticket_severity: 'meh' } });
    expect(bogus.slotsSet.ticket_severity).toBeNull();
    expect(bogus.texts[0]).toBe("Severity must be one of low, medium, high, critical. I'll judge it from your description instead.");
    // One tap names a valid severity: the payload carries the severity entity the form fills the slot from.
    expect(bogus.responses[0]!.buttons).toEqual(['low', 'medium', 'high', 'critical'].map((s) => ({ title: s, payload: `/report_problem{"severity":"${s}"}` })));
    expect(checkResponse({ events: bogus.events, responses: bogus.responses }).valid).toBe(true);
  });

  it('does not ask for a severity the user never gave', async () => {
    const out = await runAction(ticketForm, { domain: ticketDomain, activeLoop: 'ticket_form', text: 'broken', extracted: { ticket_summary: 'Login is broken' } });
    expect(out.slotsSet).toEqual({ ticket_summary: 'Login is broken' });
    expect(out.slotsSet.requested_slot).toBeUndefined();
  });
});

describe('severity triage', () => {
  it.each([
    ['The whole site is down for everyone', 'critical'],
    ['We had a security breach', 'critical'],
    ['Export fails with an error', 'high'],
    ['There is a typo on the pricing page', 'low'],
    ['Please change the colour of the header', 'medium'],
  ])('%s → %s', (text, severity) => {
    expect(triageSeverity(text)).toBe(severity);
  });

  it('parses the allowed set and synonyms only', () => {
    expect(['LOW', 'p2', 'blocker', 'normal', 'extreme'].map(parseSeverity)).toEqual(['low', 'high', 'critical', 'medium', null]);
  });
});
