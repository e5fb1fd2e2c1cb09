import { defineTool, type ToolDefinition } from '@hearth/core';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Row } from './shop-state.js';

/** The tools that change the shop (the others only read it). */
export const shopWriteTools = [
  'refund_order',
  'cancel_order',
  'update_shipping_address',
  'adjust_stock',
] as const;

/**
 * The shop's tools over one case's database. They enforce only what the data itself forbids (a refund
 * above what was paid, stock below zero, cancelling a shipped order); the rest of the policy (the refund
 * window, final-sale items, whose order it is, no cancelling while processing) is the agent's to follow,
 * as in τ-bench: a case whose right answer is to refuse is failed by doing it.
 */
export function shopTools(db: Database.Database): ToolDefinition[] {
  const orderRow = (orderId: string) => {
    const order = db.prepare('SELECT * FROM orders WHERE id = ?').get(orderId) as Row | undefined;
    if (!order) throw new Error(`no order has the id ${orderId} (ids look like O-1001)`);
    return order;
  };
  const productRow = (sku: string) => {
    const product = db.prepare('SELECT * FROM products WHERE sku = ?').get(sku) as Row | undefined;
    if (!product) throw new Error(`no product has the SKU ${sku} (SKUs look like LAMP-01)`);
    return product;
  };
  const orderId = z.string().describe('the order id, e.g. O-1001');
  return [
    defineTool({
      name: 'find_customer_by_email',
      description: 'Finds a customer by the email address on their account: id, name, email and tier.',
      input: z.object({ email: z.string() }),
      run: ({ email }) => {
        const customer = db
          .prepare('SELECT * FROM customers WHERE lower(email) = lower(?)')
          .get(email.trim()) as Row | undefined;
        if (!customer) throw new Error(`no customer has the email ${email}`);
        return customer;
      },
    }),
    defineTool({
      name: 'list_customer_orders',
      description:
        "Lists a customer's orders (id, status, placed_on, total_cents) by customer id, e.g. C-01.",
      input: z.object({ customer_id: z.string() }),
      run: ({ customer_id }) =>
        db
          .prepare('SELECT id, status, placed_on, total_cents FROM orders WHERE customer_id = ? ORDER BY id')
          .all(customer_id),
    }),
    defineTool({
      name: 'get_order',
      description:
        'Reads an order: customer, status, dates, shipping address, total and refunded cents, and its items ' +
        '(sku, name, quantity, unit price, final_sale).',
      input: z.object({ order_id: orderId }),
      run: ({ order_id }) => ({
        ...orderRow(order_id),
        items: db
          .prepare(
            `SELECT i.sku, p.name, i.quantity, i.unit_price_cents, p.final_sale
             FROM order_items i JOIN products p ON p.sku = i.sku WHERE i.order_id = ? ORDER BY i.rowid`,
          )
          .all(order_id),
      }),
    }),
    defineTool({
      name: 'get_product',
      description:
        'Reads a product by SKU: name, price in cents, units in stock, and whether it is final sale.',
      input: z.object({ sku: z.string() }),
      run: ({ sku }) => productRow(sku),
    }),
    defineTool({
      name: 'refund_order',
      description:
        'Refunds an amount in cents on a delivered order; the order becomes partially_refunded or, when all ' +
        'of it is refunded, refunded.',
      input: z.object({ order_id: orderId, amount_cents: z.number().int().positive() }),
      run: ({ order_id, amount_cents }) =>
        db.transaction(() => {
          const order = orderRow(order_id);
          if (order.status !== 'delivered' && order.status !== 'partially_refunded')
            throw new Error(`order ${order_id} is ${order.status}; only delivered orders can be refunded`);
          const left = (order.total_cents as number) - (order.refunded_cents as number);
          if (amount_cents > left)
            throw new Error(`order ${order_id} has only ${left} cents left to refund, not ${amount_cents}`);
          const refunded = (order.refunded_cents as number) + amount_cents;
          const status = refunded === order.total_cents ? 'refunded' : 'partially_refunded';
          db.prepare('UPDATE orders SET refunded_cents = ?, status = ? WHERE id = ?').run(
            refunded,
            status,
            order_id,
          );
          const { lastInsertRowid } = db
            .prepare('INSERT INTO refunds (order_id, amount_cents) VALUES (?, ?)')
            .run(order_id, amount_cents);
          return { refund_id: Number(lastInsertRowid), order_id, amount_cents, status };
        })(),
    }),
    defineTool({
      name: 'cancel_order',
      description: 'Cancels an order that has not shipped and puts its items back in stock.',
      input: z.object({ order_id: orderId }),
      run: ({ order_id }) =>
        db.transaction(() => {
          const order = orderRow(order_id);
          if (order.status !== 'pending' && order.status !== 'processing')
            throw new Error(`order ${order_id} is ${order.status} and can no longer be cancelled`);
          db.prepare("UPDATE orders SET status = 'cancelled' WHERE id = ?").run(order_id);
          const items = db
            .prepare('SELECT sku, quantity FROM order_items WHERE order_id = ?')
            .all(order_id) as Array<{
            sku: string;
            quantity: number;
          }>;
          for (const item of items) {
            db.prepare('UPDATE products SET stock = stock + ? WHERE sku = ?').run(item.quantity, item.sku);
            db.prepare("INSERT INTO stock_moves (sku, delta, reason) VALUES (?, ?, 'cancelled_order')").run(
              item.sku,
              item.quantity,
            );
          }
          return { order_id, status: 'cancelled', restocked: items };
        })(),
    }),
    defineTool({
      name: 'update_shipping_address',
      description: 'Changes the shipping address of an order that has not shipped yet.',
      input: z.object({ order_id: orderId, address: z.string().min(1) }),
      run: ({ order_id, address }) => {
        const order = orderRow(order_id);
        if (order.status !== 'pending' && order.status !== 'processing')
          throw new Error(`order ${order_id} is ${order.status}; its address can no longer change`);
        db.prepare('UPDATE orders SET shipping_address = ? WHERE id = ?').run(address.trim(), order_id);
        return { order_id, shipping_address: address.trim() };
      },
    }),
    defineTool({
      name: 'adjust_stock',
      description:
        'Changes the units in stock of a product by delta (positive or negative) and records why: received ' +
        '(from a supplier), damaged (written off) or recount (a count differed from the records).',
      input: z.object({
        sku: z.string(),
        delta: z
          .number()
          .int()
          .refine((value) => value !== 0, 'delta must not be 0'),
        reason: z.enum(['received', 'damaged', 'recount']),
      }),
      run: ({ sku, delta, reason }) =>
        db.transaction(() => {
          const product = productRow(sku);
          const stock = (product.stock as number) + delta;
          if (stock < 0) throw new Error(`${sku} has ${product.stock} in stock; it cannot go below zero`);
          db.prepare('UPDATE products SET stock = ? WHERE sku = ?').run(stock, sku);
          db.prepare('INSERT INTO stock_moves (sku, delta, reason) VALUES (?, ?, ?)').run(sku, delta, reason);
          return { sku, stock };
        })(),
    }),
  ];
}
