-- Customers and their orders. Addresses and line items are JSON documents: an order's
-- shipping address is always read and replaced whole, never field by field.
CREATE TABLE IF NOT EXISTS customers (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  email       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orders (
  id                  text PRIMARY KEY,
  customer_id         text NOT NULL REFERENCES customers (id),
  email               text NOT NULL,
  status              text NOT NULL CHECK (status IN ('pending', 'processing', 'shipped', 'out_for_delivery', 'delivered', 'cancelled')),
  items               jsonb NOT NULL DEFAULT '[]'::jsonb,
  total               numeric(12, 2) NOT NULL,
  currency            char(3) NOT NULL,
  carrier             text,
  tracking_number     text,
  estimated_delivery  date,
  shipping_address    jsonb NOT NULL,
  version             integer NOT NULL DEFAULT 1,
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
