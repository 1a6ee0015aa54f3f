/**
 * The simulator's request decoding: Stripe's bracketed form encoding as the SDKs send it, and
 * `Params`, which reads it with Stripe's 400 errors (type, missing and unknown parameters).
 */
import { describe, expect, it } from 'vitest';
import { StripeApiError } from '../../../../local/simulators/stripe/errors.ts';
import { decodeForm, Params } from '../../../../local/simulators/stripe/form.ts';

/** Params over a decoded query string, as a handler gets them. */
const paramsOf = (query: string) => new Params(decodeForm(query));

/** The Stripe error `read` throws, as `{status, code, param, message}`. */
function errorOf(read: () => unknown) {
  try {
    read();
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    const { status, code, param, message } = error;
    return { status, code, param, message };
  }
  throw new Error('expected a Stripe error');
}

describe('decodeForm', () => {
  it.each([
    ['a flat pair', 'email=jenny%40example.com', { email: 'jenny@example.com' }],
    ['`+` as a space', 'name=Jenny+Rosen', { name: 'Jenny Rosen' }],
    ['an empty value', 'description=', { description: '' }],
    [
      'nested brackets',
      'address[city]=Paris&address[line1]=1+Rue',
      { address: { city: 'Paris', line1: '1 Rue' } },
    ],
    ['three levels', 'a[b][c]=d', { a: { b: { c: 'd' } } }],
    [
      '`expand[]` appends',
      'expand[]=customer&expand[]=product',
      { expand: ['customer', 'product'] },
    ],
    [
      '`expand[0]` indexes',
      'expand[0]=customer&expand[1]=product',
      { expand: ['customer', 'product'] },
    ],
    [
      'arrays of objects',
      'items[0][price]=price_A&items[0][quantity]=2&items[1][price]=price_B',
      { items: [{ price: 'price_A', quantity: '2' }, { price: 'price_B' }] },
    ],
    [
      'metadata with an empty value',
      'metadata[plan]=&metadata[tier]=gold',
      { metadata: { plan: '', tier: 'gold' } },
    ],
    ['an unclosed bracket, kept as is', 'a[b=1', { 'a[b': '1' }],
    ['a stray closing bracket, kept as is', 'a[b]]=1', { 'a[b]]': '1' }],
    ['a key that starts with a bracket, kept as is', '[x]=1', { '[x]': '1' }],
    ['text after the brackets, kept as is', 'a[b]c=1', { 'a[b]c': '1' }],
    ['invalid percent-encoding, kept literally', 'name=%zz&x%=1', { name: '%zz', 'x%': '1' }],
    ['sparse indexes, closed up in order', 'expand[7]=b&expand[3]=a', { expand: ['a', 'b'] }],
    ['a sparse list of objects', 'items[2][price]=p', { items: [{ price: 'p' }] }],
    [
      'digit metadata keys as keys, at any depth',
      'metadata[1]=a&metadata[123]=b&items[0][metadata][7]=c',
      { metadata: { 1: 'a', 123: 'b' }, items: [{ metadata: { 7: 'c' } }] },
    ],
    ['sparse nested lists', 'a[1][b][4]=x&a[1][b][2]=y', { a: [{ b: ['y', 'x'] }] }],
    [
      'a key deeper than 32 levels, kept as is',
      `a${'[b]'.repeat(40)}=1`,
      { [`a${'[b]'.repeat(40)}`]: '1' },
    ],
  ])('decodes %s', (_, query, expected) => {
    // Act
    const decoded = decodeForm(query);

    // Assess
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(expected);
  });

  it('keeps `__proto__` as a plain key and never changes Object.prototype', () => {
    // Act
    const decoded = decodeForm('__proto__[polluted]=yes&address[__proto__][x]=1');

    // Assess
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(['__proto__', 'address']);
    expect(errorOf(() => new Params(decoded).done())).toMatchObject({
      code: 'parameter_unknown',
      param: '__proto__',
    });
  });

  it('never reads inherited names such as `toString` as sent parameters', () => {
    // Prepare
    const params = paramsOf('');

    // Act + Assess
    expect(params.string('toString')).toBeUndefined();
    expect(params.kind('constructor')).toBe('absent');
    expect(params.has('hasOwnProperty')).toBe(false);
  });

  it('ignores absurd list indexes instead of allocating them', () => {
    // Act
    const decoded = decodeForm('expand[99999999]=x&ok=1');

    // Assess
    expect(JSON.parse(JSON.stringify(decoded))).toEqual({ expand: [], ok: '1' });
  });
});

describe('Params', () => {
  it('reads typed values', () => {
    // Prepare
    const params = paramsOf(
      'limit=3&livemode=false&interval=month&percent=12.5&expand[]=a&items[0][price]=p&metadata[k]=',
    );

    // Act
    const read = {
      limit: params.integer('limit', { min: 1, max: 100 }),
      livemode: params.boolean('livemode'),
      interval: params.enum('interval', ['day', 'month'] as const),
      percent: params.decimal('percent'),
      expand: params.strings('expand'),
      price: params.objects('items')?.[0]?.string('price'),
      metadata: params.metadata(),
    };

    // Assess
    expect(read).toEqual({
      limit: 3,
      livemode: false,
      interval: 'month',
      percent: 12.5,
      expand: ['a'],
      price: 'p',
      metadata: { k: null },
    });
  });

  it.each([
    [
      'an integer',
      'limit=abc',
      (p: Params) => p.integer('limit'),
      'limit',
      'parameter_invalid_integer',
      /Invalid integer: abc/,
    ],
    [
      'a decimal integer',
      'limit=1.5',
      (p: Params) => p.integer('limit'),
      'limit',
      'parameter_invalid_integer',
      /Invalid integer/,
    ],
    [
      'a minimum',
      'limit=0',
      (p: Params) => p.integer('limit', { min: 1 }),
      'limit',
      'parameter_invalid_integer',
      /greater than or equal to 1/,
    ],
    [
      'a maximum',
      'limit=101',
      (p: Params) => p.integer('limit', { max: 100 }),
      'limit',
      'parameter_invalid_integer',
      /less than or equal to 100/,
    ],
    [
      'a boolean',
      'active=yes',
      (p: Params) => p.boolean('active'),
      'active',
      'parameter_invalid',
      /Invalid boolean: yes/,
    ],
    [
      'an enum',
      'interval=fortnight',
      (p: Params) => p.enum('interval', ['day', 'month']),
      'interval',
      'parameter_invalid',
      /must be one of day, month/,
    ],
    [
      'a string, given an object',
      'email[x]=1',
      (p: Params) => p.string('email'),
      'email',
      'parameter_invalid',
      /Invalid string/,
    ],
    [
      'an object, given a string',
      'address=Paris',
      (p: Params) => p.object('address'),
      'address',
      'parameter_invalid',
      /Invalid object/,
    ],
    [
      'a required string',
      'name=',
      (p: Params) => p.requiredString('name'),
      'name',
      'parameter_missing',
      /Missing required param: name/,
    ],
    [
      'a required integer',
      '',
      (p: Params) => p.requiredInteger('amount'),
      'amount',
      'parameter_missing',
      /Missing required param: amount/,
    ],
    [
      'a nested integer',
      'recurring[interval_count]=x',
      (p: Params) => p.object('recurring')?.integer('interval_count'),
      'recurring[interval_count]',
      'parameter_invalid_integer',
      /Invalid integer/,
    ],
  ])('refuses %s with a 400 naming the parameter', (_, query, read, param, code, message) => {
    // Prepare
    const params = paramsOf(query);

    // Act
    const error = errorOf(() => read(params));

    // Assess
    expect(error).toMatchObject({ status: 400, param, code });
    expect(error.message).toMatch(message);
  });

  it('names an unknown parameter at the top level', () => {
    // Prepare
    const params = paramsOf('email=a%40b.c&emial=typo');
    params.string('email');

    // Act
    const error = errorOf(() => params.done());

    // Assess
    expect(error).toMatchObject({ status: 400, code: 'parameter_unknown', param: 'emial' });
    expect(error.message).toBe('Received unknown parameter: emial');
  });

  it('names an unknown parameter by its nested path', () => {
    // Prepare
    const params = paramsOf('items[0][price]=p&items[1][price]=q&items[1][bogus]=1');
    const items = params.objects('items') ?? [];
    for (const item of items) item.string('price');
    params.done();

    // Act
    const errors = items.map((item) => {
      try {
        item.done();
        return undefined;
      } catch (error) {
        return (error as StripeApiError).param;
      }
    });

    // Assess
    expect(errors).toEqual([undefined, 'items[1][bogus]']);
  });

  it('accepts every parameter it read and nothing else', () => {
    // Prepare
    const params = paramsOf('a=1&b=2');
    params.string('a');

    // Act
    const before = errorOf(() => params.done()).param;
    params.string('b');

    // Assess
    expect(before).toBe('b');
    expect(() => params.done()).not.toThrow();
  });
});
