/**
 * The /webhook call of bench/outbox.js: action_file_ticket after the ticket form, as Rasa 3.x
 * sends it (the shape test/support/webhook-body.ts builds). `tag` and `i` make the sender and
 * the user message unique, so every call is a new ticket request.
 */
'use strict';

function ticketCallBody(tag, i) {
  const sender = `bench-${tag}-${i}`;
  const ts = 1_700_000_000 + i;
  const slots = {
    ticket_summary: `Printer on floor ${i % 7} jams on every job`,
    ticket_description: `Since this morning the printer on floor ${i % 7} stops after one page with a paper jam light; reseating the tray did not help. Request ${i}.`,
    ticket_severity: 'high',
    requested_slot: null,
  };
  const latest = { text: 'file it please', intent: { name: 'affirm', confidence: 0.98 }, intent_ranking: [{ name: 'affirm', confidence: 0.98 }], entities: [], metadata: {} };
  const tracker = {
    sender_id: sender,
    slots,
    latest_message: latest,
    events: [
      { event: 'action', name: 'action_session_start', timestamp: ts - 30 },
      { event: 'user', text: 'the printer keeps jamming', parse_data: { ...latest, text: 'the printer keeps jamming', intent: { name: 'report_problem', confidence: 0.95 } }, input_channel: 'rest', timestamp: ts - 20 },
      { event: 'bot', text: 'Sorry to hear that. What should the ticket say?', timestamp: ts - 19 },
      { event: 'slot', name: 'ticket_summary', value: slots.ticket_summary, timestamp: ts - 10 },
      { event: 'slot', name: 'ticket_description', value: slots.ticket_description, timestamp: ts - 5 },
      { event: 'user', text: 'file it please', parse_data: latest, input_channel: 'rest', timestamp: ts },
    ],
    paused: false,
    followup_action: null,
    active_loop: {},
    latest_action_name: 'action_listen',
    latest_input_channel: 'rest',
  };
  return JSON.stringify({ next_action: 'action_file_ticket', sender_id: sender, tracker, version: '3.16.0', domain: { actions: ['action_file_ticket'] } });
}

module.exports = { ticketCallBody };
