-- The ops console (#20): what an administrator does from it (retrying a dead job) is audited on
-- the same chain as action executions and outbound calls, as kind 'admin'. The column's check
-- is the only thing that changes; existing rows and their hashes are untouched.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('action', 'outbound', 'admin'));
