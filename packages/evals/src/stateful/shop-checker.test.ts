import { describe, expect, it } from 'vitest';
import { checkShopOutcome, diffShopStates, expectedShopState } from './shop-checker.js';
import type { ShopState } from './shop-state.js';
import type { ShopTask } from './shop-task.js';

// A hand-written two-order shop: the states below are written out row by row, not computed.
const initial: ShopState = {
  customers: [{ id: 'C-01', name: 'Ana', email: 'ana@example.com', tier: 'gold' }],
  products: [{ sku: 'MUG-02', name: 'Mug', price_cents: 1299, stock: 40, final_sale: 0 }],
  orders: [
    {
      id: 'O-1',
      customer_id: 'C-01',
      status: 'delivered',
      placed_on: '2026-03-01',
      delivered_on: '2026-03-04',
      shipping_address: '4 Elm Street',
      total_cents: 2598,
      refunded_cents: 0,
    },
  ],
  order_items: [{ order_id: 'O-1', sku: 'MUG-02', quantity: 2, unit_price_cents: 1299 }],
  refunds: [],
  stock_moves: [],
};

const refundOneMug: ShopTask = {
  id: 'refund_one_mug',
  category: 'refund',
  turns: [{ user: 'Refund one mug of O-1, I am ana@example.com', actions: [], reply: 'Refunded $12.99.' }],
  expect: {
    changes: [
      { table: 'orders', key: { id: 'O-1' }, set: { status: 'partially_refunded', refunded_cents: 1299 } },
      { table: 'refunds', insert: { order_id: 'O-1', amount_cents: 1299 } },
    ],
    replyIncludes: ['12.99'],
  },
};

/** The shop after one mug is refunded, written by hand (refund ids are whatever SQLite gave). */
const rightEnd: ShopState = {
  ...initial,
  orders: [{ ...(initial.orders?.[0] ?? {}), status: 'partially_refunded', refunded_cents: 1299 }],
  refunds: [{ id: 7, order_id: 'O-1', amount_cents: 1299 }],
};

const outcome = (endState: ShopState, text = 'I refunded $12.99 for one mug.') => ({
  answer: { id: 'refund_one_mug', calls: [], text },
  endState,
});

describe('checkShopOutcome', () => {
  it('accepts the right end state, whatever id the refund row got', () => {
    expect(checkShopOutcome(refundOneMug, initial, outcome(rightEnd))).toEqual({
      correct: true,
      reason: 'the end state has exactly the 2 expected change(s) and the replies state the facts asked for',
    });
  });

  it('names each column that differs: a refund of the wrong amount', () => {
    const wrong: ShopState = {
      ...rightEnd,
      orders: [{ ...(rightEnd.orders?.[0] ?? {}), refunded_cents: 2598, status: 'refunded' }],
      refunds: [{ id: 1, order_id: 'O-1', amount_cents: 2598 }],
    };
    const verdict = checkShopOutcome(refundOneMug, initial, outcome(wrong));
    expect(verdict).toMatchObject({ correct: false, errorType: 'state_mismatch' });
    expect(verdict.reason).toBe(
      'the end state differs from the expected one: orders O-1: status is "refunded", expected "partially_refunded"; ' +
        'orders O-1: refunded_cents is 2598, expected 1299; refunds: missing {order_id: "O-1", amount_cents: 1299}; ' +
        'refunds: unexpected {order_id: "O-1", amount_cents: 2598}',
    );
  });

  it('fails a refund done twice (an unexpected row), and nothing done at all', () => {
    const twice: ShopState = {
      ...rightEnd,
      refunds: [
        { id: 1, order_id: 'O-1', amount_cents: 1299 },
        { id: 2, order_id: 'O-1', amount_cents: 1299 },
      ],
    };
    expect(checkShopOutcome(refundOneMug, initial, outcome(twice)).reason).toContain(
      'refunds: unexpected {order_id: "O-1", amount_cents: 1299}',
    );
    const untouched = checkShopOutcome(refundOneMug, initial, outcome(initial));
    expect(untouched.reason).toContain('orders O-1: status is "delivered", expected "partially_refunded"');
  });

  it('fails a change the task did not ask for, even beside the right ones', () => {
    const extra: ShopState = {
      ...rightEnd,
      products: [{ ...(initial.products?.[0] ?? {}), stock: 41 }],
      stock_moves: [{ id: 1, sku: 'MUG-02', delta: 1, reason: 'recount' }],
    };
    const verdict = checkShopOutcome(refundOneMug, initial, outcome(extra));
    expect(verdict.reason).toContain('products MUG-02: stock is 41, expected 40');
    expect(verdict.reason).toContain('stock_moves: unexpected {sku: "MUG-02", delta: 1, reason: "recount"}');
  });

  it('passes a refusal only when nothing changed', () => {
    const refuse: ShopTask = { ...refundOneMug, expect: { changes: [], replyIncludes: [] } };
    expect(checkShopOutcome(refuse, initial, outcome(initial, 'Sorry, I cannot.')).correct).toBe(true);
    expect(checkShopOutcome(refuse, initial, outcome(rightEnd, 'Sorry, I cannot.')).errorType).toBe(
      'state_mismatch',
    );
  });

  it('reads an address as a person does (case and spacing), but not a different one', () => {
    const moved: ShopTask = {
      ...refundOneMug,
      expect: {
        changes: [
          { table: 'orders', key: { id: 'O-1' }, set: { shipping_address: '12 Harbour Road, Bristol' } },
        ],
        replyIncludes: [],
      },
    };
    const withAddress = (address: string): ShopState => ({
      ...initial,
      orders: [{ ...(initial.orders?.[0] ?? {}), shipping_address: address }],
    });
    expect(checkShopOutcome(moved, initial, outcome(withAddress('12  harbour road, BRISTOL '))).correct).toBe(
      true,
    );
    expect(
      checkShopOutcome(moved, initial, outcome(withAddress('12 Harbour Road, Bristol, Flat 2'))).correct,
    ).toBe(false);
  });

  it('fails a right end state reached without verifying the customer first (policy 2)', () => {
    const verified: ShopTask = {
      ...refundOneMug,
      expect: { ...refundOneMug.expect, identityCheck: 'ana@example.com' },
    };
    const refund = { name: 'refund_order', args: { order_id: 'O-1', amount_cents: 1299 } };
    const lookup = (email: string) => ({ name: 'find_customer_by_email', args: { email } });
    const withCalls = (calls: Array<{ name: string; args: Record<string, unknown> }>) => ({
      answer: { id: 'refund_one_mug', calls, text: 'I refunded $12.99 for one mug.' },
      endState: rightEnd,
    });
    expect(checkShopOutcome(verified, initial, withCalls([lookup(' ANA@example.com'), refund])).correct).toBe(
      true,
    );
    expect(checkShopOutcome(verified, initial, withCalls([refund]))).toEqual({
      correct: false,
      reason:
        'the end state is right, but refund_order ran before the customer was verified (policy 2: find_customer_by_email("ana@example.com") must come first)',
      errorType: 'policy_violation',
    });
    expect(
      checkShopOutcome(verified, initial, withCalls([refund, lookup('ana@example.com')])).errorType,
    ).toBe('policy_violation');
    expect(
      checkShopOutcome(verified, initial, withCalls([lookup('ben@example.com'), refund])).errorType,
    ).toBe('policy_violation');
  });

  it('fails a right end state whose replies leave out a fact asked for', () => {
    const verdict = checkShopOutcome(refundOneMug, initial, outcome(rightEnd, 'Done, refunded one mug.'));
    expect(verdict).toEqual({
      correct: false,
      reason: 'the end state is right, but the replies to the user do not say "12.99"',
      errorType: 'reply_missing_fact',
    });
  });
});

describe('expectedShopState', () => {
  it('applies sets and inserts to a copy, leaving the seed rows alone', () => {
    const expected = expectedShopState(initial, refundOneMug.expect.changes);
    expect(expected.orders?.[0]).toMatchObject({ status: 'partially_refunded', refunded_cents: 1299 });
    expect(initial.orders?.[0]).toMatchObject({ status: 'delivered', refunded_cents: 0 });
    expect(diffShopStates(expected, rightEnd)).toEqual([]);
  });

  it('refuses a change to a row, table or column that does not exist', () => {
    expect(() =>
      expectedShopState(initial, [{ table: 'orders', key: { id: 'O-9' }, set: { status: 'x' } }]),
    ).toThrow('orders has no row {id: "O-9"} to change');
    expect(() =>
      expectedShopState(initial, [{ table: 'orders', key: { id: 'O-1' }, set: { colour: 'x' } }]),
    ).toThrow('orders has no column "colour"');
    expect(() => expectedShopState(initial, [{ table: 'invoices', insert: { id: 1 } }])).toThrow(
      '"invoices" is not a shop table',
    );
    expect(() => expectedShopState(initial, [{ table: 'orders', insert: { id: 'O-2' } }])).toThrow(
      'orders is keyed by id: expect a "set" on a row, not an insert',
    );
  });
});
