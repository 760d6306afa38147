-- The audit log: one row per action execution and per outbound call. Rows hold hashes of
-- payloads, never the payloads, so the log carries no raw personal data. Each row's hash covers
-- the previous row's hash and its own canonical fields, so editing, deleting or reordering a row
-- breaks the chain and `actionbridge audit verify` points at it.
CREATE TABLE IF NOT EXISTS audit_log (
  seq             bigint PRIMARY KEY,
  at              timestamptz NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('action', 'outbound')),
  sender          text,
  action          text,
  connector       text,
  operation       text,
  outcome         text NOT NULL,
  latency_ms      integer NOT NULL,
  payload_sha256  text NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);

CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);

-- One row: the tail of the chain. Appenders lock it (SELECT ... FOR UPDATE), which serializes
-- appends across processes sharing one PostgreSQL.
CREATE TABLE IF NOT EXISTS audit_chain_head (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_seq  bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (true, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;

-- Append-only for the application: updates and deletes are refused. A database owner can still
-- disable the trigger, which is what the hash chain is for.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
