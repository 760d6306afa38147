-- Failed verification attempts per limit key (conversation, email tried, order tried, the whole
-- deployment), in fixed windows. Used when no Redis is configured, and while Redis is away, so
-- every replica on the same database meets one limit. Keys are hashes where they would
-- otherwise hold an email address.
CREATE TABLE IF NOT EXISTS attempt_quotas (
  key             text PRIMARY KEY,
  used            integer NOT NULL,
  window_ends_ms  bigint NOT NULL
);

CREATE INDEX IF NOT EXISTS attempt_quotas_window_idx ON attempt_quotas (window_ends_ms);
