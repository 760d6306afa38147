-- Who filed each local ticket (hashes of the conversation id and, when the filer's identity token
-- was valid, of the customer id): only they, or a support agent, may read the ticket back.
-- Tickets from before this have neither, so they are for agents only.
ALTER TABLE local_tickets ADD COLUMN IF NOT EXISTS filed_by_conversation text;
ALTER TABLE local_tickets ADD COLUMN IF NOT EXISTS filed_by_customer text;
