-- Encryption at rest (DATA_ENCRYPTION_KEY): outbox payloads and results, and the audit log's
-- sender, may hold `enc:v1:<key id>:...` envelopes instead of plaintext (src/store/cipher.ts).
-- Payload and result stay jsonb: a sealed value is one JSON string.

-- `jobs show SUP-12` looked inside the result (result->>'key'), which a sealed result hides. The
-- vendor's key (a ticket or record id, not personal data) is kept beside it instead.
ALTER TABLE outbox_jobs ADD COLUMN IF NOT EXISTS result_key text;
UPDATE outbox_jobs SET result_key = result->>'key'
 WHERE result_key IS NULL AND jsonb_typeof(result) = 'object' AND jsonb_typeof(result->'key') = 'string';
CREATE INDEX IF NOT EXISTS outbox_jobs_result_key_idx ON outbox_jobs (upper(result_key)) WHERE result_key IS NOT NULL;

-- Re-encryption rewrites the audit log's sender under the newest key. The append-only guard lets
-- exactly that through, only in a transaction that asked for it (SET LOCAL
-- actionbridge.audit_reencrypt = 'on'), and only when nothing but the sender changes. The chain
-- covers the plaintext sender, so a sender replaced by anything else still breaks verification.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('actionbridge.audit_reencrypt', true) = 'on'
     AND (to_jsonb(NEW) - 'sender') = (to_jsonb(OLD) - 'sender') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
