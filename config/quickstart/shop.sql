-- The quick start's bundled SQLite database: scripts/quickstart builds
-- /tmp/kconnect-quickstart/shop.db from this file at every run.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer TEXT NOT NULL,
    item TEXT NOT NULL,
    qty INTEGER NOT NULL
);
INSERT INTO orders (customer, item, qty) VALUES ('alice', 'keyboard', 1);
INSERT INTO orders (customer, item, qty) VALUES ('bob', 'monitor', 2);
INSERT INTO orders (customer, item, qty) VALUES ('carol', 'mouse', 3);
INSERT INTO orders (customer, item, qty) VALUES ('dave', 'laptop stand', 1);
INSERT INTO orders (customer, item, qty) VALUES ('erin', 'usb cable', 4);
