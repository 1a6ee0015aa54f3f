/** `/v1/customers`: create, retrieve, update, delete, list; their events. */
import type Stripe from 'stripe';
import {
  cardAttachFailure,
  cardError,
  isPaymentMethodSpent,
  resolvePaymentMethod,
} from '../billing/instruments.ts';
import { invalidParam, invalidState } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { customerShape } from '../shapes/core.ts';
import { createdFilter, newId, type StripeRecord, type World } from '../world.ts';
import { applyChanges, deletedObject, pathId } from './common.ts';
import { attachPaymentMethod } from './payment-methods.ts';

const TAX_EXEMPT = ['none', 'exempt', 'reverse'] as const;

function address(params: Params, key: string): Stripe.Address | null | undefined {
  if (params.isEmpty(key)) {
    params.string(key);
    return null;
  }
  const a = params.object(key);
  if (a === undefined) return undefined;
  const out = {
    city: a.string('city') ?? null,
    country: a.string('country') ?? null,
    line1: a.string('line1') ?? null,
    line2: a.string('line2') ?? null,
    postal_code: a.string('postal_code') ?? null,
    state: a.string('state') ?? null,
  };
  a.done();
  return out;
}

/** Reads the fields create and update share; `undefined` means "not sent". */
function readFields(params: Params) {
  const invoiceSettings = params.object('invoice_settings');
  const defaultPaymentMethod = invoiceSettings?.string('default_payment_method');
  invoiceSettings?.done();
  const locales = params.strings('preferred_locales');
  return {
    email: params.string('email'),
    name: params.string('name'),
    phone: params.string('phone'),
    description: params.string('description'),
    address: address(params, 'address'),
    tax_exempt: params.enum('tax_exempt', TAX_EXEMPT),
    preferred_locales: locales,
    balance: params.integer('balance'),
    metadata: params.metadata(),
    defaultPaymentMethod,
  };
}

function createCustomer(world: World, params: Params): StripeRecord {
  const fields = readFields(params);
  const paymentMethod = params.string('payment_method');
  const testClock = params.string('test_clock');
  params.done();
  if (testClock)
    world.get('test_helpers.test_clock', testClock, { param: 'test_clock', noun: 'test clock' });
  // A card that cannot be attached fails the whole request, before the customer exists.
  const resolved = paymentMethod
    ? resolvePaymentMethod(world, paymentMethod, 'payment_method')
    : undefined;
  if (resolved && resolved.customer !== null) {
    throw invalidState('The payment method you provided has already been attached to a customer.');
  }
  if (resolved && isPaymentMethodSpent(world, resolved.id)) {
    throw invalidState(
      'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
    );
  }
  const attachFailure = resolved ? cardAttachFailure(resolved) : undefined;
  if (attachFailure) throw cardError(attachFailure);
  if (fields.defaultPaymentMethod && fields.defaultPaymentMethod !== paymentMethod) {
    throw invalidParam(
      'invoice_settings[default_payment_method]',
      'The default payment method must be attached to the customer: pass it as payment_method too.',
    );
  }
  const id = newId('cus', 14);
  const customer = world.insert(
    customerShape({
      id,
      created: testClock ? world.timeFor(null) : world.now(),
      email: fields.email ?? null,
      name: fields.name ?? null,
      phone: fields.phone ?? null,
      description: fields.description ?? null,
      address: fields.address ?? null,
      tax_exempt: fields.tax_exempt ?? 'none',
      preferred_locales: fields.preferred_locales ?? [],
      balance: fields.balance ?? 0,
      metadata: mergeMetadata({}, fields.metadata),
      test_clock: testClock ?? null,
    }),
  );
  if (testClock) customer.created = world.timeFor(id);
  world.emit('customer.created', customer);
  const attached = resolved ? attachPaymentMethod(world, resolved.id, id) : undefined;
  const defaultPm = fields.defaultPaymentMethod ? attached?.id : undefined;
  if (defaultPm) {
    applyChanges(
      world,
      customer,
      {
        invoice_settings: {
          ...(customer.invoice_settings as object),
          default_payment_method: defaultPm,
        },
      },
      'customer.updated',
    );
  }
  return customer;
}

function updateCustomer(world: World, id: string, params: Params): StripeRecord {
  const customer = world.get('customer', id);
  const fields = readFields(params);
  params.done();
  if (fields.defaultPaymentMethod) {
    const pm = world.get('payment_method', fields.defaultPaymentMethod, {
      param: 'invoice_settings[default_payment_method]',
      noun: 'PaymentMethod',
    });
    if (pm.customer !== id) {
      throw invalidParam(
        'invoice_settings[default_payment_method]',
        `The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`,
      );
    }
  }
  const settings = customer.invoice_settings as Record<string, unknown>;
  applyChanges(
    world,
    customer,
    {
      email: fields.email,
      name: fields.name,
      phone: fields.phone,
      description: fields.description,
      address: fields.address,
      tax_exempt: fields.tax_exempt,
      preferred_locales: fields.preferred_locales,
      balance: fields.balance,
      metadata:
        fields.metadata === undefined
          ? undefined
          : mergeMetadata(customer.metadata as Record<string, string>, fields.metadata),
      invoice_settings:
        fields.defaultPaymentMethod === undefined
          ? undefined
          : { ...settings, default_payment_method: fields.defaultPaymentMethod || null },
    },
    'customer.updated',
  );
  return customer;
}

function deleteCustomer(world: World, id: string): StripeRecord {
  const customer = world.get('customer', id);
  customer.deleted = true;
  world.emit('customer.deleted', { ...customer, deleted: undefined } as StripeRecord);
  return deletedObject(customer);
}

/** Customers; deleting one emits customer.deleted (its subscriptions' module cancels them). */
export function customerRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/customers',
      handle: ({ world, params }) => createCustomer(world, params),
    },
    {
      method: 'GET',
      path: '/v1/customers/:id',
      handle: (request) => {
        request.params.done();
        // A deleted customer is still retrievable: Stripe answers its id with `deleted: true`.
        const id = pathId(request);
        const found = request.world.find(id);
        if (found?.object === 'customer' && found.deleted === true) return deletedObject(found);
        return request.world.get('customer', id);
      },
    },
    {
      method: 'POST',
      path: '/v1/customers/:id',
      handle: (request) => updateCustomer(request.world, pathId(request), request.params),
    },
    {
      method: 'DELETE',
      path: '/v1/customers/:id',
      handle: (request) => {
        request.params.done();
        return deleteCustomer(request.world, pathId(request));
      },
    },
    {
      method: 'GET',
      path: '/v1/customers',
      handle: ({ world, params }) => {
        const email = params.string('email');
        const testClock = params.string('test_clock');
        const created = createdFilter(params);
        const list = world.paginate(
          world
            .all('customer')
            .filter(
              (c) =>
                (email === undefined || c.email === email) &&
                (testClock === undefined || c.test_clock === testClock) &&
                created(c.created as number),
            ),
          params,
          '/v1/customers',
        );
        params.done();
        return list;
      },
    },
  ];
}
