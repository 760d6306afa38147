-- Who changed an order's delivery address, how they proved who they were, and what it was before.
CREATE TABLE IF NOT EXISTS order_address_changes (
  id           bigserial PRIMARY KEY,
  order_id     text NOT NULL REFERENCES orders (id),
  customer_id  text NOT NULL,
  verified_by  text NOT NULL CHECK (verified_by IN ('token', 'order_email')),
  sender_id    text NOT NULL,
  old_address  jsonb NOT NULL,
  new_address  jsonb NOT NULL,
  changed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS order_address_changes_order_id_idx ON order_address_changes (order_id, id);
