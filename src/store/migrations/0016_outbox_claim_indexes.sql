-- What the relay and the workers look for, each with its own index. The one index over
-- pending, queued and running jobs by next_attempt_at made "a job whose lease ran out" a scan of
-- every queued job (their leases mostly still running): with the workers away or behind, each
-- relay round read the whole backlog, so the cost of accepting a ticket grew with the backlog.
CREATE INDEX IF NOT EXISTS outbox_jobs_pending_due_idx ON outbox_jobs (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS outbox_jobs_lease_idx ON outbox_jobs (locked_until) WHERE status IN ('queued', 'running');
DROP INDEX IF EXISTS outbox_jobs_due_idx;
