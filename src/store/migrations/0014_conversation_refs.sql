-- Proactive messages (Jira and HubSpot webhooks → a message in the conversation that filed the
-- ticket or gave the lead). Vendors only ever hold a hash of the conversation id (the filer mark:
-- a label is visible to every Jira user, and the id is all it takes to speak in that
-- conversation), and a hash cannot be turned back into the id. So the id is kept here, under its
-- mark, when a ticket or lead job is written and a Rasa trigger is configured. It is personal data:
-- sealed with DATA_ENCRYPTION_KEY when one is set (bound to its mark, so it cannot be moved).
CREATE TABLE IF NOT EXISTS conversation_refs (
  hash        text PRIMARY KEY,
  sender_id   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS conversation_refs_created_idx ON conversation_refs (created_at);

-- A HubSpot event names the contact by its id: the lead job that created it recorded that id
-- (created_id) before its create's outcome, and its payload holds the conversation's mark.
CREATE INDEX IF NOT EXISTS outbox_jobs_created_id_idx ON outbox_jobs (type, created_id) WHERE created_id IS NOT NULL;
