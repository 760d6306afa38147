-- Example: serve the Orders port from a shop's own tables, with one SQL file.
--
-- Copy this file into src/store/migrations/ (keep a number above the shipped ones) and change
-- the table and column names on the right-hand side to yours. It replaces the demo `orders`
-- table with a view of the same columns over your tables, so the shipped adapter
-- (src/connectors/orders/store-orders.ts) reads and writes your data unchanged.
--
-- Assumed here (yours will differ):
--   shop_customers(customer_no int, email_address text, ...)
--   shop_orders(order_no int, customer_no int, state text, lines jsonb, amount numeric,
--               currency text, carrier text, tracking text, eta date,
--               ship_street text, ship_city text, ship_zip text, ship_country text,
--               modified_at timestamptz)

-- The demo table goes; the address history stays, keyed by the order id the bot shows.
ALTER TABLE order_address_changes DROP CONSTRAINT IF EXISTS order_address_changes_order_id_fkey;
DROP TABLE IF EXISTS orders;

CREATE VIEW orders AS
SELECT
  'ORD-' || lpad(o.order_no::text, 5, '0') AS id,
  'C-' || o.customer_no::text AS customer_id,
  c.email_address AS email,
  CASE o.state
    WHEN 'NEW' THEN 'pending'
    WHEN 'PICKING' THEN 'processing'
    WHEN 'SHIPPED' THEN 'shipped'
    WHEN 'WITH_COURIER' THEN 'out_for_delivery'
    WHEN 'DELIVERED' THEN 'delivered'
    WHEN 'CANCELLED' THEN 'cancelled'
    -- An unknown state is treated as "on its way", so its address cannot be changed.
    ELSE 'shipped'
  END AS status,
  -- [{ "sku", "name", "quantity", "unitPrice" }]; build it with jsonb_build_object if yours differ.
  o.lines AS items,
  o.amount AS total,
  o.currency,
  o.carrier,
  o.tracking AS tracking_number,
  o.eta AS estimated_delivery,
  jsonb_build_object('line1', o.ship_street, 'city', o.ship_city, 'postalCode', o.ship_zip, 'country', o.ship_country) AS shipping_address,
  1 AS version,
  o.modified_at AS updated_at
FROM shop_orders o
JOIN shop_customers c ON c.customer_no = o.customer_no;

-- An address change arrives as one UPDATE of the whole address document; write all four columns
-- in one statement so no reader ever sees half an address.
CREATE OR REPLACE FUNCTION orders_view_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE shop_orders
     SET ship_street = NEW.shipping_address ->> 'line1',
         ship_city = NEW.shipping_address ->> 'city',
         ship_zip = NEW.shipping_address ->> 'postalCode',
         ship_country = NEW.shipping_address ->> 'country',
         modified_at = now()
   WHERE 'ORD-' || lpad(order_no::text, 5, '0') = OLD.id;
  RETURN NEW;
END
$$;

CREATE TRIGGER orders_view_update INSTEAD OF UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_view_update();
