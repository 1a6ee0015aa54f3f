/**
 * Stripe's metadata limits as `Params.metadata()` enforces them (https://docs.stripe.com/api/metadata):
 * at most 50 keys, keys up to 40 characters, values up to 500, each refused with a 400 naming
 * the parameter; and sparse lists that reach readers dense.
 */
import { describe, expect, it } from 'vitest';
import { StripeApiError } from '../../../../local/simulators/stripe/errors.ts';
import { decodeForm, Params } from '../../../../local/simulators/stripe/form.ts';

/** The metadata `query` reads as, or the 400 it is refused with. */
function metadataOf(query: string, key?: string) {
  try {
    return new Params(decodeForm(query)).metadata(key);
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    return { status: error.status, param: error.param, message: error.message };
  }
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => `metadata[k${i}]=v`).join('&');

describe('Params.metadata limits', () => {
  it('accepts 50 keys, a 40-character key and a 500-character value', () => {
    // Act
    const read = [
      metadataOf(keys(50)),
      metadataOf(`metadata[${'k'.repeat(40)}]=v`),
      metadataOf(`metadata[k]=${'v'.repeat(500)}`),
    ];

    // Assess
    expect(read.map((m) => Object.keys(m ?? {}).length)).toEqual([50, 1, 1]);
  });

  it.each([
    ['51 keys', keys(51), "Metadata can have up to 50 keys, but you've set 51."],
    [
      'a 41-character key',
      `metadata[${'k'.repeat(41)}]=v`,
      `Metadata keys can have up to 40 characters, but you passed in a key that is 41 characters. Invalid key: ${'k'.repeat(41)}`,
    ],
    [
      'a 600-character value',
      `metadata[note]=${'v'.repeat(600)}`,
      `Metadata values can have up to 500 characters, but you passed in a value that is 600 characters. Invalid value: ${'v'.repeat(600)}`,
    ],
  ])('refuses %s with a 400 naming the parameter', (_, query, message) => {
    // Act
    const refused = metadataOf(query);

    // Assess
    expect(refused).toEqual({ status: 400, param: 'metadata', message });
  });

  it('names the parameter it reads, and does not count keys being deleted', () => {
    // Act
    const nested = metadataOf(`invoice_metadata[${'k'.repeat(41)}]=v`, 'invoice_metadata');
    const unsetting = metadataOf(`${keys(50)}&metadata[gone]=`);

    // Assess
    expect(nested).toMatchObject({ status: 400, param: 'invoice_metadata' });
    expect(unsetting).toMatchObject({ gone: null, k49: 'v' });
  });
});

describe('sparse lists', () => {
  it('reaches objects() and strings() dense, in index order', () => {
    // Prepare
    const params = new Params(decodeForm('items[5][price]=b&items[1][price]=a&expand[9]=x'));

    // Act
    const prices = params.objects('items')?.map((item) => item.string('price'));
    const expand = params.strings('expand');

    // Assess
    expect(prices).toEqual(['a', 'b']);
    expect(expand).toEqual(['x']);
  });
});
