-- Finding 6(a) of #13: the audit chain is keyed and anchored.
--
-- Each row records the id of the AUDIT_HMAC_KEY its link was computed with (NULL: the unkeyed
-- SHA-256 chain of before, or of a deployment without a key). Rows chained with a key cannot be
-- recomputed by someone who can only write SQL.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS key_id text;
-- A keyed row at which a signed checkpoint was taken (covered by the row's HMAC), so a removed
-- checkpoint, even the newest, is noticed while its row is there.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS checkpointed boolean NOT NULL DEFAULT false;

-- Signed checkpoints: "row <seq> had hash <head_hash>", an HMAC by key <key_id> over that, the
-- time and the previous checkpoint's signature (so removing one breaks the next). A rewrite of the
-- rows without the key cannot produce a matching checkpoint.
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  seq             bigint PRIMARY KEY,
  head_hash       text NOT NULL,
  at              timestamptz NOT NULL,
  key_id          text NOT NULL,
  prev_signature  text NOT NULL,
  signature       text NOT NULL
);

-- Emptying the log with TRUNCATE skips row triggers, so it is refused by a statement trigger;
-- the checkpoints and the chain head get the same guard, and checkpoints are append-only.
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% may not be truncated (the audit log is append-only)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

DROP TRIGGER IF EXISTS audit_checkpoints_no_truncate ON audit_checkpoints;
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_chain_head;
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

CREATE OR REPLACE FUNCTION audit_checkpoints_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints;
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_change();

-- The head row is updated on every append, but never deleted.
CREATE OR REPLACE FUNCTION audit_chain_head_refuse_delete() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain_head may not be deleted';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_chain_head_keep ON audit_chain_head;
CREATE TRIGGER audit_chain_head_keep BEFORE DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION audit_chain_head_refuse_delete();
