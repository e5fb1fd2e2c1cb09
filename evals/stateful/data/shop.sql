-- The Hearth Shop: the database every stateful case starts from (a fresh copy per case x model x trial).
-- Money is in cents. "Today" in the shop is 2026-03-15 (see policy.md).
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  tier TEXT NOT NULL CHECK (tier IN ('standard', 'gold'))
);
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  price_cents INTEGER NOT NULL,
  stock INTEGER NOT NULL CHECK (stock >= 0),
  final_sale INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'shipped', 'delivered', 'partially_refunded', 'refunded', 'cancelled')),
  placed_on TEXT NOT NULL,
  delivered_on TEXT,
  shipping_address TEXT NOT NULL,
  total_cents INTEGER NOT NULL,
  refunded_cents INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE order_items (
  order_id TEXT NOT NULL REFERENCES orders(id),
  sku TEXT NOT NULL REFERENCES products(sku),
  quantity INTEGER NOT NULL,
  unit_price_cents INTEGER NOT NULL,
  PRIMARY KEY (order_id, sku)
);
CREATE TABLE refunds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id TEXT NOT NULL REFERENCES orders(id),
  amount_cents INTEGER NOT NULL
);
CREATE TABLE stock_moves (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sku TEXT NOT NULL REFERENCES products(sku),
  delta INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('received', 'damaged', 'recount', 'cancelled_order'))
);

INSERT INTO customers VALUES
  ('C-01', 'Ana Lima', 'ana@example.com', 'gold'),
  ('C-02', 'Ben Okafor', 'ben@example.com', 'standard'),
  ('C-03', 'Chloe Martin', 'chloe@example.com', 'standard'),
  ('C-04', 'Dev Patel', 'dev@example.com', 'gold');

INSERT INTO products VALUES
  ('LAMP-01', 'Desk lamp', 3499, 14, 0),
  ('MUG-02', 'Stoneware mug', 1299, 40, 0),
  ('HEAD-03', 'Wireless headphones', 8999, 6, 0),
  ('BAG-04', 'Canvas tote (clearance)', 999, 25, 1),
  ('KETTLE-05', 'Electric kettle', 4599, 0, 0),
  ('CHAIR-06', 'Office chair', 15900, 3, 0);

INSERT INTO orders VALUES
  ('O-1001', 'C-01', 'shipped', '2026-03-10', NULL, '4 Elm Street, Leeds LS1 2AB', 8999, 0),
  ('O-1002', 'C-01', 'delivered', '2026-03-01', '2026-03-04', '4 Elm Street, Leeds LS1 2AB', 6097, 0),
  ('O-1003', 'C-02', 'delivered', '2026-01-02', '2026-01-06', '9 Mill Lane, York YO1 7HH', 3499, 0),
  ('O-1004', 'C-02', 'pending', '2026-03-14', NULL, '9 Mill Lane, York YO1 7HH', 15900, 0),
  ('O-1005', 'C-03', 'delivered', '2026-03-05', '2026-03-09', '21 Quay Road, Hull HU1 1AA', 3297, 0),
  ('O-1006', 'C-03', 'processing', '2026-03-13', NULL, '21 Quay Road, Hull HU1 1AA', 4599, 0),
  ('O-1007', 'C-04', 'delivered', '2026-02-20', '2026-02-24', '3 Park Row, Bath BA1 1AA', 8999, 0),
  ('O-1008', 'C-04', 'pending', '2026-03-15', NULL, '3 Park Row, Bath BA1 1AA', 5196, 0);

INSERT INTO order_items VALUES
  ('O-1001', 'HEAD-03', 1, 8999),
  ('O-1002', 'MUG-02', 2, 1299),
  ('O-1002', 'LAMP-01', 1, 3499),
  ('O-1003', 'LAMP-01', 1, 3499),
  ('O-1004', 'CHAIR-06', 1, 15900),
  ('O-1005', 'BAG-04', 2, 999),
  ('O-1005', 'MUG-02', 1, 1299),
  ('O-1006', 'KETTLE-05', 1, 4599),
  ('O-1007', 'HEAD-03', 1, 8999),
  ('O-1008', 'MUG-02', 4, 1299);
