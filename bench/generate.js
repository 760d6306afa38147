/**
 * Realistic Rasa `/webhook` bodies for the benchmark: a tracker of N events shaped like the ones
 * Rasa 3.x sends (user messages with full parse_data, bot utterances, action and slot events,
 * timestamps and metadata), plus a small domain so the server answers 200 and not 449.
 * Deterministic (seeded), so every run and both servers get byte-identical bodies.
 */
'use strict';

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTENTS = ['greet', 'goodbye', 'affirm', 'deny', 'order_status', 'report_problem', 'ask_opening_hours', 'request_human', 'inform', 'thank', 'bot_challenge', 'nlu_fallback'];
const UTTERANCES = {
  greet: ['hi there', 'hello!', 'good morning', 'hey, anyone around?'],
  goodbye: ['bye', 'see you later', 'thanks, that is all'],
  affirm: ['yes please', 'sure', 'that is right', 'correct'],
  deny: ['no', 'not really', 'no thanks'],
  order_status: ['where is my order {order_id}?', 'has order {order_id} shipped yet', 'status of {order_id} please'],
  report_problem: ['my {product} stopped working', 'the {product} arrived broken', 'I cannot log in to my account'],
  ask_opening_hours: ['when are you open on {day}?', 'are you open {day}'],
  request_human: ['can I talk to a person', 'get me an agent please'],
  inform: ['my email is jane.doe@example.com', 'it is the {product}', 'order {order_id}', '{day} works for me'],
  thank: ['thanks a lot', 'thank you!', 'great, thanks'],
  bot_challenge: ['are you a bot?', 'am I talking to a human'],
  nlu_fallback: ['asdf qwerty', 'banana telephone'],
};
const PRODUCTS = ['router', 'laptop', 'headphones', 'coffee machine', 'printer'];
const DAYS = ['monday', 'tuesday', 'saturday', 'sunday'];
const RESPONSES = {
  greet: 'utter_greet',
  goodbye: 'utter_goodbye',
  affirm: 'utter_happy',
  deny: 'utter_ask_rephrase',
  order_status: 'action_order_status',
  report_problem: 'action_file_ticket',
  ask_opening_hours: 'utter_opening_hours',
  request_human: 'utter_handover',
  inform: 'action_noop',
  thank: 'utter_you_are_welcome',
  bot_challenge: 'utter_iamabot',
  nlu_fallback: 'utter_default',
};
const BOT_TEXT = {
  utter_greet: 'Hello! How can I help you today?',
  utter_goodbye: 'Goodbye, have a nice day.',
  utter_happy: 'Great, carry on!',
  utter_ask_rephrase: 'Sorry, could you say that differently?',
  utter_opening_hours: 'We are open Monday to Friday, 9:00 to 18:00, and Saturday 10:00 to 14:00.',
  utter_handover: 'I am handing you over to a colleague, one moment please.',
  utter_you_are_welcome: 'You are welcome!',
  utter_iamabot: 'I am a bot, powered by Rasa.',
  utter_default: 'Sorry, I did not get that. Can you rephrase?',
};
const MODEL_ID = '7f4c9b0d2a8e4d1f9c3b6a5e0d8f2c71';
const ASSISTANT_ID = 'support-assistant';

function hex(rand, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

/** One user turn's text with the entities it mentions, as Rasa's DIET/regex extractors report them. */
function userMessage(rand, intent) {
  let text = pick(rand, UTTERANCES[intent]);
  const entities = [];
  const fill = (placeholder, entity, value, extractor) => {
    const start = text.indexOf(placeholder);
    if (start < 0) return;
    text = text.slice(0, start) + value + text.slice(start + placeholder.length);
    const e = { entity, start, end: start + value.length, value, extractor };
    if (extractor === 'DIETClassifier') {
      e.confidence_entity = 0.9 + rand() * 0.0999;
      e.processors = ['EntitySynonymMapper'];
    }
    entities.push(e);
  };
  fill('{order_id}', 'order_id', `A-${10000 + Math.floor(rand() * 89999)}`, 'RegexEntityExtractor');
  fill('{product}', 'product', pick(rand, PRODUCTS), 'DIETClassifier');
  fill('{day}', 'day', pick(rand, DAYS), 'DIETClassifier');
  return { text, entities };
}

function ranking(rand, top) {
  let rest = 1;
  const first = 0.55 + rand() * 0.44;
  rest -= first;
  const out = [{ name: top, confidence: first }];
  for (const name of INTENTS) {
    if (name === top || out.length >= 10) continue;
    const c = rest * rand() * 0.5;
    rest -= c;
    out.push({ name, confidence: c });
  }
  return out;
}

/** The events of a conversation, `count` of them exactly, plus the state Rasa derives from them. */
function conversation(count, rand, senderId) {
  const events = [];
  let ts = 1732435200 + rand() * 1000;
  const tick = () => (ts += 0.2 + rand() * 8);
  const slots = { order_id: null, product: null, day: null, email: null, requested_slot: null, session_started_metadata: null };
  let latest = null;
  const push = (e) => {
    if (events.length < count) events.push(e);
  };
  const action = (name, policy, confidence) =>
    push({
      event: 'action',
      timestamp: tick(),
      metadata: { model_id: MODEL_ID, assistant_id: ASSISTANT_ID },
      name,
      policy: policy ?? null,
      confidence: confidence ?? null,
      action_text: null,
      hide_rule_turn: false,
    });

  action('action_session_start');
  push({ event: 'session_started', timestamp: tick(), metadata: { model_id: MODEL_ID, assistant_id: ASSISTANT_ID } });
  action('action_listen');
  while (events.length < count) {
    const intent = pick(rand, INTENTS);
    const { text, entities } = userMessage(rand, intent);
    const messageId = hex(rand, 32);
    const intentRanking = ranking(rand, intent);
    const parseData = {
      intent: intentRanking[0],
      entities,
      text,
      message_id: messageId,
      metadata: { channel: 'rest', locale: 'en-GB' },
      text_tokens: text.split(' ').reduce((acc, w) => {
        const start = acc.length ? acc[acc.length - 1][1] + 1 : 0;
        acc.push([start, start + w.length]);
        return acc;
      }, []),
      intent_ranking: intentRanking,
      response_selector: { all_retrieval_intents: [], default: { response: { responses: null, confidence: 0, intent_response_key: null, utter_action: 'utter_None' }, ranking: [] } },
    };
    push({
      event: 'user',
      timestamp: tick(),
      metadata: { model_id: MODEL_ID, assistant_id: ASSISTANT_ID },
      text,
      parse_data: parseData,
      input_channel: 'rest',
      message_id: messageId,
    });
    latest = parseData;
    if (rand() < 0.3) push({ event: 'user_featurization', timestamp: tick(), use_text_for_featurization: false });
    for (const e of entities) {
      slots[e.entity] = e.value;
      push({ event: 'slot', timestamp: tick(), name: e.entity, value: e.value });
    }
    const next = RESPONSES[intent];
    action(next, 'TEDPolicy', 0.8 + rand() * 0.19);
    if (next.startsWith('utter_')) {
      push({
        event: 'bot',
        timestamp: tick(),
        metadata: { utter_action: next, model_id: MODEL_ID, assistant_id: ASSISTANT_ID },
        text: BOT_TEXT[next],
        data: { elements: null, quick_replies: null, buttons: null, attachment: null, image: null, custom: null },
      });
    } else if (next === 'action_file_ticket') {
      push({ event: 'active_loop', timestamp: tick(), name: 'ticket_form' });
      slots.requested_slot = 'email';
      push({ event: 'slot', timestamp: tick(), name: 'requested_slot', value: 'email' });
      push({ event: 'bot', timestamp: tick(), metadata: { utter_action: 'utter_ask_email', model_id: MODEL_ID, assistant_id: ASSISTANT_ID }, text: 'What email address can we reach you at?', data: {} });
    } else {
      push({ event: 'bot', timestamp: tick(), metadata: { model_id: MODEL_ID, assistant_id: ASSISTANT_ID }, text: `Order ${slots.order_id ?? 'A-00000'} is on its way.`, data: {} });
    }
    action('action_listen', 'MemoizationPolicy', 1);
  }
  return { events, slots, latest, senderId };
}

function makeTracker(count, seed = 1) {
  const rand = prng(seed * 7919 + count);
  const senderId = `bench-${hex(rand, 12)}`;
  const { events, slots, latest } = conversation(count, rand, senderId);
  const last = events[events.length - 1];
  return {
    sender_id: senderId,
    slots,
    latest_message: latest ?? { intent: {}, entities: [], text: null, message_id: null, metadata: {} },
    latest_event_time: last ? last.timestamp : null,
    followup_action: null,
    paused: false,
    stack: [],
    events,
    latest_input_channel: 'rest',
    active_loop: {},
    latest_action: { action_name: 'action_listen' },
    latest_action_name: 'action_listen',
  };
}

function makeDomain() {
  const responses = {};
  for (const [name, text] of Object.entries(BOT_TEXT)) responses[name] = [{ text }];
  responses.utter_ask_email = [{ text: 'What email address can we reach you at?' }];
  return {
    version: '3.1',
    session_config: { session_expiration_time: 60, carry_over_slots_to_new_session: true },
    intents: INTENTS.map((name) => ({ [name]: { use_entities: true } })),
    entities: ['order_id', 'product', 'day', 'email'],
    slots: {
      order_id: { type: 'text', influence_conversation: false, mappings: [{ type: 'from_entity', entity: 'order_id' }] },
      product: { type: 'categorical', values: PRODUCTS, influence_conversation: true, mappings: [{ type: 'from_entity', entity: 'product' }] },
      day: { type: 'text', influence_conversation: false, mappings: [{ type: 'from_entity', entity: 'day' }] },
      email: { type: 'text', influence_conversation: false, mappings: [{ type: 'from_text', conditions: [{ active_loop: 'ticket_form', requested_slot: 'email' }] }] },
      requested_slot: { type: 'any', influence_conversation: false, mappings: [{ type: 'custom' }] },
      session_started_metadata: { type: 'any', influence_conversation: false, mappings: [{ type: 'custom' }] },
    },
    responses,
    actions: ['action_noop', 'action_order_status', 'action_file_ticket', 'validate_ticket_form'],
    forms: { ticket_form: { required_slots: ['email', 'product'] } },
    e2e_actions: [],
  };
}

/** The JSON body Rasa POSTs to /webhook when it runs `next_action` on this tracker. */
function makeBody(count, seed = 1) {
  const tracker = makeTracker(count, seed);
  return JSON.stringify({
    next_action: 'action_noop',
    sender_id: tracker.sender_id,
    tracker,
    domain: makeDomain(),
    version: '3.6.21',
  });
}

module.exports = { prng, makeTracker, makeDomain, makeBody };
