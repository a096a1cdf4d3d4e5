import assert from 'node:assert/strict';
import { test } from 'node:test';
import { totals } from './vat.js';

test('a German school pays 19% VAT', () => {
  assert.deepEqual(totals(10000, 'de'), {
    netCents: 10000,
    vatCents: 1900,
    grossCents: 11900,
    vatRate: 0.19,
  });
});

test('a buyer outside the EU rate table pays no VAT', () => {
  assert.equal(totals(10000, 'US').vatCents, 0);
});
