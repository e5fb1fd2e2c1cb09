import { describe, expect, it } from 'vitest';
import { saysFact } from './says-fact.js';

describe('saysFact', () => {
  it('finds whole numbers and words, case-insensitively, hyphens as spaces', () => {
    expect(saysFact('We have 14 desk lamps.', '14')).toBe(true);
    expect(saysFact('We have 140 desk lamps.', '14')).toBe(false);
    expect(saysFact('Order O-1002 is yours.', '2')).toBe(false);
    expect(saysFact('You placed 2 orders.', '2')).toBe(true);
    expect(saysFact('You placed two orders.', '2')).toBe(true);
    expect(saysFact('You placed twenty-two orders.', '2')).toBe(false);
    expect(saysFact('Someone placed an order.', '1')).toBe(false);
    expect(saysFact('The total is $51.96.', '51.96')).toBe(true);
    expect(saysFact('The total is $51.965', '51.96')).toBe(false);
    expect(saysFact('It has SHIPPED', 'shipped')).toBe(true);
    expect(saysFact('It was unshipped', 'shipped')).toBe(false);
    expect(saysFact('The totes were final-sale items.', 'final sale')).toBe(true);
    expect(saysFact('Taken from docs/q3-plan.md; see report.md.', 'q3-plan.md')).toBe(true);
    expect(saysFact('Taken from docs/q3-plan.md; see report.md.', 'report.md')).toBe(true);
  });
});
