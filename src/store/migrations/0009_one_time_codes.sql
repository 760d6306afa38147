-- One-time codes mailed to the email on an order, typed back to approve a change of it. Only a
-- salted, slow hash of each code is kept; the email it went to is not kept at all, and the
-- conversation only as a hash of its sender id.
CREATE TABLE IF NOT EXISTS one_time_codes (
  purpose            text NOT NULL CHECK (purpose IN ('address_change')),
  record_id          text NOT NULL,
  conversation_hash  text NOT NULL,
  -- What the code approves (e.g. the new address), hashed: a code for one change is no good for another.
  details_hash       text NOT NULL,
  code_hash          bytea NOT NULL,
  salt               bytea NOT NULL,
  attempts           integer NOT NULL DEFAULT 0,
  max_attempts       integer NOT NULL CHECK (max_attempts > 0),
  issued_at          timestamptz NOT NULL DEFAULT now(),
  expires_at         timestamptz NOT NULL,
  -- A new code for the same purpose, record and conversation replaces the row.
  PRIMARY KEY (purpose, record_id, conversation_hash)
);

CREATE INDEX IF NOT EXISTS one_time_codes_expires_at_idx ON one_time_codes (expires_at);

-- When codes were sent for a record, from any conversation: limits how often one inbox is mailed.
CREATE TABLE IF NOT EXISTS one_time_code_issues (
  id         bigserial PRIMARY KEY,
  purpose    text NOT NULL,
  record_id  text NOT NULL,
  issued_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS one_time_code_issues_record_idx ON one_time_code_issues (purpose, record_id, issued_at);

-- An address change may now be approved by an emailed code. `order_email` stays allowed for the
-- changes recorded before; the Orders adapter no longer writes it.
ALTER TABLE order_address_changes DROP CONSTRAINT IF EXISTS order_address_changes_verified_by_check;
ALTER TABLE order_address_changes ADD CONSTRAINT order_address_changes_verified_by_check
  CHECK (verified_by IN ('token', 'order_email', 'email_code'));
