-- The local CRM's deals, so the pipeline summary can be tried without a vendor CRM. A deal's owner
-- is a sales user's email (what their identity token carries); amounts are in `currency`.
CREATE TABLE IF NOT EXISTS local_deals (
  id          text PRIMARY KEY,
  owner_email text NOT NULL,
  name        text NOT NULL,
  stage       text NOT NULL,
  amount      numeric(14, 2),
  currency    text NOT NULL DEFAULT 'USD',
  close_date  date,
  is_closed   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS local_deals_owner_idx ON local_deals (lower(owner_email));

-- What a user asked for (product interest, preferred contact time), set on their own lead.
ALTER TABLE local_leads ADD COLUMN IF NOT EXISTS properties jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Demo deals of two demo sales users (docs/connectors.md lists them); close dates are relative
-- to the day the store was created. A deal someone changed is left alone on a re-run.
INSERT INTO local_deals (id, owner_email, name, stage, amount, currency, close_date, is_closed) VALUES
  ('DEAL-2001', 'sam.seller@example.com', 'Analytical Engines Ltd — 40 seats', 'Qualification', 12000.00, 'USD', current_date + 30, false),
  ('DEAL-2002', 'sam.seller@example.com', 'Compiler Works — renewal', 'Proposal', 8500.00, 'USD', current_date + 12, false),
  ('DEAL-2003', 'sam.seller@example.com', 'Enigma Systems — pilot', 'Proposal', 4200.00, 'USD', current_date + 21, false),
  ('DEAL-2004', 'sam.seller@example.com', 'Difference Co — platform', 'Negotiation', 31000.00, 'USD', current_date + 7, false),
  ('DEAL-2005', 'sam.seller@example.com', 'Babbage & Sons — add-on', 'Closed Won', 2500.00, 'USD', current_date - 3, true),
  ('DEAL-2101', 'robin.rep@example.com', 'Hopper Logistics — 10 seats', 'Qualification', 3000.00, 'USD', current_date + 45, false),
  ('DEAL-2102', 'robin.rep@example.com', 'Lovelace Labs — expansion', 'Closed Lost', 9000.00, 'USD', current_date - 10, true)
ON CONFLICT (id) DO NOTHING;
