-- The transactional outbox: side effects that must not be lost (tickets, leads, articles,
-- workflow webhooks) are written here in the same transaction as the local change, then
-- delivered by whoever claims them (the action itself within its budget, the in-process
-- worker, or a RabbitMQ worker).
CREATE TABLE IF NOT EXISTS outbox_jobs (
  -- The reference users and the CLI see (REF-XXXXXXXXXX), derived from the idempotency key.
  reference        text PRIMARY KEY,
  -- One job per request: Rasa re-sending the same action call finds the first job.
  idempotency_key  text NOT NULL UNIQUE,
  type             text NOT NULL,
  payload          jsonb NOT NULL,
  -- pending: waiting for next_attempt_at; queued: published to RabbitMQ; running: claimed;
  -- done: delivered (result holds what the vendor answered); dead: gave up.
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'queued', 'running', 'done', 'dead')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  -- A claim (queued or running) that is not finished by then is taken to have been lost.
  locked_until     timestamptz,
  -- Set on each claim; only the holder of the latest claim may finish the job.
  claim_token      text,
  last_error       text,
  result           jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz
);

CREATE INDEX IF NOT EXISTS outbox_jobs_due_idx ON outbox_jobs (next_attempt_at) WHERE status IN ('pending', 'queued', 'running');
CREATE INDEX IF NOT EXISTS outbox_jobs_status_idx ON outbox_jobs (status, updated_at);

-- Inbound webhook deliveries already accepted, so a replayed request is refused until it would
-- be stale anyway.
CREATE TABLE IF NOT EXISTS webhook_receipts (
  source      text NOT NULL,
  receipt_id  text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (source, receipt_id)
);

CREATE INDEX IF NOT EXISTS webhook_receipts_expiry_idx ON webhook_receipts (expires_at);
