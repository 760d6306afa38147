/**
 * rasa-project/ under the rules real Rasa applies, without Rasa: `rasa data validate`'s slot
 * mapping rule for every slot and form, and the forms' validation run against the project's own
 * domain (not a hand-made one), so what the action tests claim also holds in the assistant.
 */
import path from 'node:path';
import { readDomain } from '../../src/protocol/domain-file';
import { slotMappingProblems } from '../../src/protocol/domain-checks';
import { runAction } from '../../src/sdk/testkit';
import { ticketForm } from '../../actions/ticket-form';

const domain = readDomain(path.resolve(__dirname, '../../rasa-project/domain.yml'));
const inTicketForm = { domain, activeLoop: 'ticket_form', text: 'x' };

describe('rasa-project passes rasa data validate', () => {
  it('every slot mapping conditioned on a form names a form that requires the slot', () => {
    expect(Object.keys(domain.slots as object).length).toBeGreaterThan(10);
    expect(slotMappingProblems(domain)).toEqual([]);
  });
});

describe('validate_ticket_form with the project domain', () => {
  it('ticket_form requires ticket_severity (its mapping is conditioned on the form)', () => {
    expect((domain.forms as Record<string, { required_slots: string[] } | undefined>).ticket_form?.required_slots).toContain('ticket_severity');
  });

  it('never asks for a severity the user did not give: the next slot is named instead', async () => {
    const out = await runAction(ticketForm, { ...inTicketForm, extracted: { ticket_summary: 'Login is broken' } });
    expect(out.slotsSet).toEqual({ ticket_summary: 'Login is broken', requested_slot: 'ticket_description' });
  });

  it('ends the form once summary and description are there, without a severity', async () => {
    const out = await runAction(ticketForm, { ...inTicketForm, slots: { ticket_summary: 'Login is broken' }, extracted: { ticket_description: 'The button does nothing.' } });
    expect(out.slotsSet).toEqual({ ticket_description: 'The button does nothing.', requested_slot: null });
  });

  it('normalises a severity Rasa extracted during the form, and leaves choosing the next slot to Rasa', async () => {
    const out = await runAction(ticketForm, { ...inTicketForm, extracted: { ticket_severity: 'Urgent' } });
    expect(out.slotsSet).toEqual({ ticket_severity: 'critical' });
  });

  it('rejects an unknown severity and goes on without asking for one', async () => {
    const out = await runAction(ticketForm, { ...inTicketForm, slots: { ticket_summary: 'Login is broken' }, extracted: { ticket_severity: 'meh' } });
    expect(out.slotsSet).toEqual({ ticket_severity: null, requested_slot: 'ticket_description' });
    expect(out.texts).toEqual(["Severity must be one of low, medium, high, critical. I'll judge it from your description instead."]);
  });
});
