/**
 * Tests against the Stripe simulator: one simulator (and an SDK client for it) per test file, and
 * what those tests share — the StripeError a call must fail with, an object as it travels on the
 * wire, polling until something has happened, advancing a test clock, reading the events the
 * simulator recorded, and the customers, prices and invoices several files start from.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, expect } from 'vitest';
import { pollUntil as scenarioPollUntil } from '../../local/cli/scenario.ts';
import {
  type StripeSimulator,
  type StripeSimulatorOptions,
  startStripeSimulator,
} from '../../local/simulators/stripe/server.ts';

/** The official SDK pointed at a simulator, without retries (tests see every answer). */
export function simulatorClient(sim: StripeSimulator): Stripe {
  return new Stripe('sk_test_switchyard_tests', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

/** A simulator started for a test file, and the official SDK pointed at it. */
export interface SimulatorHandle {
  readonly sim: StripeSimulator;
  readonly stripe: Stripe;
}

/**
 * Starts a simulator on a free port before the file's tests (`beforeAll`) and stops it after them
 * (`afterAll`). The handle's properties can be read once it has started: in hooks registered after
 * this call, and in tests.
 */
export function useSimulator(options: Omit<StripeSimulatorOptions, 'port'> = {}): SimulatorHandle {
  let started: SimulatorHandle | undefined;
  beforeAll(async () => {
    const sim = await startStripeSimulator({ port: 0, ...options });
    started = { sim, stripe: simulatorClient(sim) };
  });
  afterAll(async () => {
    await started?.sim.stop();
  });
  const current = (): SimulatorHandle => {
    if (!started) throw new Error('The simulator is not started yet: use it in hooks and tests.');
    return started;
  };
  return {
    get sim() {
      return current().sim;
    },
    get stripe() {
      return current().stripe;
    },
  };
}

/** The StripeError a call must fail with; the test fails if it succeeds or fails otherwise. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

/** An object as it travels as JSON (what shape checks compare with Stripe's fixtures). */
export const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Calls `check` every `intervalMs` until it gives a value (not `undefined`), and resolves with it;
 * throws once `timeoutMs` have passed.
 */
export function pollUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 5_000, intervalMs = 10, what = 'the state to change' } = {},
): Promise<T> {
  return scenarioPollUntil(intervalMs)(what, async () => check(), timeoutMs);
}

/** Advances a test clock to `to` and waits until it has stopped advancing; resolves with it. */
export async function advanceClock(
  stripe: Stripe,
  clock: string,
  to: number,
): Promise<Stripe.TestHelpers.TestClock> {
  await stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
  return pollUntil(
    async () => {
      const current = await stripe.testHelpers.testClocks.retrieve(clock);
      return current.status === 'advancing' ? undefined : current;
    },
    { what: `clock ${clock} to stop advancing` },
  );
}

/** The events about any of these objects, in the order they were emitted, with what changed. */
export function eventsAbout(
  sim: StripeSimulator,
  ...ids: string[]
): { type: string; previous?: Record<string, unknown> }[] {
  return sim.world
    .allEvents()
    .filter((e) => ids.includes((e.data as { object: { id: string } }).object.id))
    .map((e) => {
      const data = e.data as { previous_attributes?: Record<string, unknown> };
      const previous = data.previous_attributes ? { previous: data.previous_attributes } : {};
      return { type: e.type as string, ...previous };
    });
}

/** The types of the events about any of these objects, in the order they were emitted. */
export const eventTypesAbout = (sim: StripeSimulator, ...ids: string[]): string[] =>
  eventsAbout(sim, ...ids).map((e) => e.type);

/** What `act` resolves with (`value`), and the types of the events it emits, in order. */
export async function withEventTypes<T>(
  sim: StripeSimulator,
  act: () => Promise<T>,
): Promise<{ value: T; events: string[] }> {
  // By id, not by position: events past retention may be pruned from the log meanwhile.
  const before = new Set(sim.world.allEvents().map((e) => e.id));
  const value = await act();
  const events = sim.world
    .allEvents()
    .filter((e) => !before.has(e.id))
    .map((e) => e.type as string);
  return { value, events };
}

/** The types of the events `act` emits, in order. */
export async function eventTypesDuring(
  sim: StripeSimulator,
  act: () => Promise<unknown>,
): Promise<string[]> {
  return (await withEventTypes(sim, act)).events;
}

/** The last event recorded, as its type, object and previous attributes. */
export function lastEvent(sim: StripeSimulator): {
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
} {
  return sim.world.allEvents().at(-1) as unknown as ReturnType<typeof lastEvent>;
}

/** A customer paying by card (`pm_card_visa`, also their default), with `params`. */
export function cardPayer(
  stripe: Stripe,
  params: Stripe.CustomerCreateParams = {},
): Promise<Stripe.Customer> {
  return stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
    ...params,
  });
}

/** Jenny Rosen, paying by card: `pm_card_visa` unless `params` names another payment method. */
export function cardCustomer(
  stripe: Stripe,
  params: Stripe.CustomerCreateParams = {},
): Promise<Stripe.Customer> {
  return cardPayer(stripe, {
    email: 'jenny@example.com',
    name: 'Jenny Rosen',
    invoice_settings: { default_payment_method: params.payment_method ?? 'pm_card_visa' },
    ...params,
  });
}

/** A draft invoice with one $30 item (`auto_advance` and the rest as given in `params`). */
export async function draftInvoice(
  stripe: Stripe,
  customer: string,
  params: Partial<Stripe.InvoiceCreateParams> = {},
): Promise<Stripe.Invoice> {
  const invoice = await stripe.invoices.create({ customer, ...params });
  await stripe.invoiceItems.create({
    customer,
    invoice: invoice.id,
    amount: 3_000,
    currency: 'usd',
    description: 'Support',
  });
  return invoice;
}

/** A draft invoice with one USD line per amount (`Item 1`, `Item 2`, …), read back. */
export async function draftWithLines(
  stripe: Stripe,
  customer: string,
  amounts: number[],
): Promise<Stripe.Invoice> {
  const invoice = await stripe.invoices.create({ customer });
  for (const [i, amount] of amounts.entries()) {
    await stripe.invoiceItems.create({
      customer,
      invoice: invoice.id,
      amount,
      currency: 'usd',
      description: `Item ${i + 1}`,
    });
  }
  return stripe.invoices.retrieve(invoice.id);
}

/** A one-time USD price of `unitAmount`, for a new product named `product`. */
export async function oneTimePrice(
  stripe: Stripe,
  product: string,
  unitAmount: number,
): Promise<Stripe.Price> {
  const { id } = await stripe.products.create({ name: product });
  return stripe.prices.create({ product: id, unit_amount: unitAmount, currency: 'usd' });
}

/**
 * A finalized invoice, for a new customer paying by card, of 2 × `price` and a $40 fee; paid when
 * asked.
 */
export async function seatsAndFeeInvoice(
  stripe: Stripe,
  price: string,
  options: { pay?: boolean } = {},
): Promise<Stripe.Invoice> {
  const customer = await cardPayer(stripe);
  const draft = await stripe.invoices.create({ customer: customer.id });
  await stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    pricing: { price },
    quantity: 2,
  });
  await stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    amount: 4_000,
    currency: 'usd',
    description: 'Fee',
  });
  const open = await stripe.invoices.finalizeInvoice(draft.id);
  return options.pay ? stripe.invoices.pay(open.id) : open;
}

/** A monthly price of `amount`, with a product of its own named `Plan <amount>`. */
export function monthlyPrice(
  stripe: Stripe,
  amount = 2_000,
  currency = 'usd',
): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency,
    unit_amount: amount,
    recurring: { interval: 'month' },
    product_data: { name: `Plan ${amount}` },
  });
}

/** 1 January 2026, 00:00 UTC: where the tests' test clocks start. */
export const JAN_1_2026 = 1_767_225_600;

/**
 * A test clock frozen at `at` (1 January 2026 unless told), a monthly price of `amount`, and a
 * customer on that clock paying by card, created in that order.
 */
export async function clockedPayer(
  stripe: Stripe,
  { amount = 2_000, at = JAN_1_2026 } = {},
): Promise<{
  clock: Stripe.TestHelpers.TestClock;
  price: Stripe.Price;
  customer: Stripe.Customer;
}> {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: at });
  const price = await monthlyPrice(stripe, amount);
  const customer = await cardPayer(stripe, { test_clock: clock.id });
  return { clock, price, customer };
}
