-- The local CRM, ticketing system and knowledge base: what the bot uses when no vendor is
-- configured, so lead capture, tickets and solutions work on a fresh machine.
CREATE TABLE IF NOT EXISTS local_leads (
  id          text PRIMARY KEY,
  email       text NOT NULL,
  name        text NOT NULL,
  company     text,
  interest    text,
  source      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Emails compare case-insensitively, and one email is one lead.
CREATE UNIQUE INDEX IF NOT EXISTS local_leads_email_idx ON local_leads (lower(email));

CREATE TABLE IF NOT EXISTS local_activities (
  id          text PRIMARY KEY,
  lead_id     text NOT NULL REFERENCES local_leads (id),
  subject     text NOT NULL,
  body        text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS local_activities_lead_idx ON local_activities (lead_id);

-- Ticket keys are PREFIX-n with n from this sequence.
CREATE SEQUENCE IF NOT EXISTS local_ticket_seq;

CREATE TABLE IF NOT EXISTS local_tickets (
  key                   text PRIMARY KEY,
  summary               text NOT NULL,
  description           text NOT NULL,
  severity              text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  status                text NOT NULL DEFAULT 'Open',
  labels                jsonb NOT NULL DEFAULT '[]'::jsonb,
  conversation_excerpt  text,
  reference             text UNIQUE,
  created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS local_ticket_comments (
  id          bigserial PRIMARY KEY,
  ticket_key  text NOT NULL REFERENCES local_tickets (key),
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS local_articles (
  id          text PRIMARY KEY,
  title       text NOT NULL,
  problem     text NOT NULL,
  solution    text NOT NULL,
  reference   text NOT NULL UNIQUE,
  tags        jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
