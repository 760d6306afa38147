-- What a robot saw when a step of its flow failed (#19): a screenshot and the page's text, kept
-- by the job's reference so `jobs show REF-…` can point at them. Secrets are blanked out before
-- either is taken. The content is text (images as base64) so DATA_ENCRYPTION_KEY can encrypt it
-- like the outbox's payloads; each job keeps only its latest few (see artifacts.ts).
CREATE TABLE IF NOT EXISTS job_artifacts (
  id bigserial PRIMARY KEY,
  reference text NOT NULL,
  task text NOT NULL,
  step text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('failure_screenshot', 'failure_text', 'screenshot')),
  content_type text NOT NULL,
  content text NOT NULL,
  bytes integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS job_artifacts_by_reference ON job_artifacts (reference, id);
