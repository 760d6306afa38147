/**
 * The /webhook call of the order-lookup bench: action_fetch_order on a generated Rasa 3.x tracker
 * of `events` events (bench/generate.js) whose slots name a demo order and the email it was
 * placed with, i.e. the email path of actions/shared/order-access.ts that the demo's users take.
 */
'use strict';
const { makeTracker, makeDomain } = require('./generate');

/** A demo order (src/connectors/orders/demo-data.ts) and its owner's email. */
const ORDER = { id: 'ORD-48213', email: 'ada@example.com' };

function orderCallBody(events, seed = 1) {
  const tracker = makeTracker(events, seed);
  tracker.slots = { ...tracker.slots, order_id: ORDER.id, order_email: ORDER.email, order_status: null, order_verified: null };
  const domain = makeDomain();
  domain.actions = [...domain.actions, 'action_fetch_order'];
  for (const slot of ['order_email', 'order_status', 'order_verified']) domain.slots[slot] = { type: 'any', influence_conversation: false, mappings: [{ type: 'custom' }] };
  return JSON.stringify({ next_action: 'action_fetch_order', sender_id: tracker.sender_id, tracker, domain, version: '3.6.21' });
}

/** True when an answer is the order found and shown (slot order_verified true). */
function answeredOrder(text) {
  return text.includes('"name":"order_verified","value":true');
}

module.exports = { ORDER, orderCallBody, answeredOrder };
