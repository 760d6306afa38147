-- A create that was sent may have happened even when its answer was lost. The job records that
-- before the call, so every later attempt (a retry, a takeover, `jobs retry`, a restart) asks the
-- vendor first, however its attempts were counted. `jobs retry` leaves both columns alone.
-- When the latest create attempt was sent: a vendor whose search lags behind its writes is not
-- believed about "not there" until its consistency window has passed since then.
ALTER TABLE outbox_jobs ADD COLUMN IF NOT EXISTS create_attempted_at timestamptz;
-- The vendor's id of what a create answered, kept at once, so a job whose outcome was not recorded
-- can look that record up consistently (Jira: reconcileIssues) instead of waiting.
ALTER TABLE outbox_jobs ADD COLUMN IF NOT EXISTS created_id text;
